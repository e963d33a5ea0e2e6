//! `Client::from_env()`: the documented variables configure a client, and a missing one is an
//! error naming it. One test function, because the process environment is shared by every
//! test of a binary.

use provider_runtime::Error;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn clear(prefix: &str) {
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with(prefix)) {
        std::env::remove_var(name);
    }
}

fn missing(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::MissingEnv(name)) => name,
        other => panic!("expected a missing variable, got {other:?}"),
    }
}

#[tokio::test]
async fn clients_come_from_the_documented_environment_variables() {
    clear("SMS_CX_");
    clear("ITCTXT_");
    clear("CLOUDCX_");

    // Nothing set: the error names every variable that would select a scheme.
    assert_eq!(
        missing(sms_cx::Client::from_env()),
        "SMS_CX_CLIENT_ID or SMS_CX_API_KEY"
    );

    // The API key scheme, sent as the spec says.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/account/balance"))
        .and(header("X-API-KEY", "key-from-env"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"balance": 12.5, "currency": "EUR"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    std::env::set_var("SMS_CX_API_KEY", "key-from-env");
    let client = sms_cx::Client::builder()
        .from_env()
        .unwrap()
        .base_url(server.uri())
        .build()
        .unwrap();
    assert_eq!(client.get_balance().await.unwrap().currency, "EUR");

    // ITCTXT sends its API key beside the OAuth token: the companion variable is required too.
    std::env::set_var("ITCTXT_CLIENT_ID", "id");
    std::env::set_var("ITCTXT_CLIENT_SECRET", "secret");
    assert_eq!(missing(itctxt::Client::from_env()), "ITCTXT_API_KEY");
    std::env::set_var("ITCTXT_API_KEY", "key");
    assert!(itctxt::Client::from_env().is_ok());

    // CloudCX: the tenant domain and the password grant's `email` + password.
    std::env::set_var("CLOUDCX_CLIENT_ID", "client");
    std::env::set_var("CLOUDCX_EMAIL", "agent@example.com");
    assert_eq!(missing(cloudcx::Client::from_env()), "CLOUDCX_PASSWORD");
    std::env::set_var("CLOUDCX_PASSWORD", "pw");
    let error = cloudcx::Client::from_env().unwrap_err();
    assert!(error.to_string().contains("CLOUDCX_DOMAIN"), "{error}");
    std::env::set_var("CLOUDCX_DOMAIN", "cx.cloudfon.net:9001");
    assert!(cloudcx::Client::from_env().is_ok());
}
