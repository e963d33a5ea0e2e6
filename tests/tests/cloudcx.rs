//! CloudCX end to end: an agent signs in with the password grant (login sent as `email`, public
//! client) on a tenant domain with a port, served over HTTPS exactly as the `https://{domain}`
//! template builds it; calls go through the authenticated escape hatch; every confirmed webhook
//! event decodes, and so does an event from the future.

use cloudcx::{
    Client, ClientBuilder, Contact, ContactCreatedEvent, ContactDeletedEvent, ContactUpdatedEvent,
    Error, Tag, TicketAgentReplyEvent, TicketAssigneeChangedEvent, TicketCreatedEvent,
    TicketFromUserReplyEvent, TicketMoveToRecycleBinEvent, TicketStatusChangedEvent, WebhookEvent,
};
use e2e::cloudcx::{CloudCx, CLIENT_ID, EMAIL, PASSWORD};
use e2e::{tls, wire};
use reqwest::Method;
use serde_json::{json, Value};

/// The agent's client: only the tenant domain is given; it trusts the stand-ins' test CA.
fn builder(tenant: &CloudCx) -> ClientBuilder {
    Client::builder()
        .domain(tenant.domain())
        .http_client(tls::trusting(reqwest::Client::builder()))
}

fn agent(tenant: &CloudCx) -> Client {
    builder(tenant)
        .oauth2_public(CLIENT_ID)
        .password(EMAIL, PASSWORD)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_agent_signs_in_on_a_tenant_domain_with_a_port() {
    let tenant = CloudCx::start().await;
    let client = agent(&tenant);

    let token = client.token().await.unwrap();

    assert!(
        token.access_token().secret().starts_with("eyJ"),
        "an RS256 JWT"
    );
    assert_eq!(
        token.expires_at(),
        None,
        "no expires_in: the token is used until the tenant refuses it"
    );
    let exchange = &tenant.server().requests_to("/oauth/token").await[0];
    let form = wire::form(exchange).unwrap();
    assert_eq!(form.get("grant_type"), Some("password"));
    assert_eq!(form.get("client_id"), Some(CLIENT_ID));
    assert_eq!(
        (form.get("email"), form.get("password")),
        (Some(EMAIL), Some(PASSWORD))
    );
    assert!(!form.has("username") && !form.has("client_secret"));
    assert_eq!(
        exchange.headers.get("authorization"),
        None,
        "a public client does not authenticate"
    );
}

#[tokio::test]
async fn the_login_holds_whichever_order_the_builder_is_called_in() {
    let tenant = CloudCx::start().await;
    let client = builder(&tenant)
        .password(EMAIL, PASSWORD)
        .oauth2_public(CLIENT_ID)
        .build()
        .unwrap();

    let token = client.token().await;

    assert!(token.is_ok(), "{token:?}");
}

#[tokio::test]
async fn the_escape_hatch_sends_the_bearer_token_and_stays_on_the_tenant() {
    let tenant = CloudCx::start().await;
    let client = agent(&tenant);

    // CloudCX's REST paths are not published: this one stands for whatever the agent calls.
    let read: Value = client
        .request(Method::GET, "/some/resource")
        .query("page", 2)
        .send()
        .await
        .unwrap();
    let written: Value = client
        .request(Method::POST, "/some/resource")
        .json(&json!({ "firstName": "Ada" }))
        .send()
        .await
        .unwrap();

    assert_eq!(
        read,
        json!({ "method": "GET", "path": "/some/resource", "query": "page=2", "body": null, "user": EMAIL })
    );
    assert_eq!(written["body"], json!({ "firstName": "Ada" }));
    let token = client.token().await.unwrap();
    let call = &tenant.server().requests_to("/some/resource").await[0];
    assert_eq!(
        call.headers["authorization"].to_str().unwrap(),
        format!("Bearer {}", token.access_token().secret())
    );

    for elsewhere in ["https://attacker.example/steal", "//attacker.example/steal"] {
        let error = client
            .request(Method::GET, elsewhere)
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig(_)),
            "{elsewhere}: {error:?}"
        );
    }
    assert_eq!(
        tenant.server().requests().await.len(),
        3,
        "one token request and two calls, nothing else"
    );
}

#[tokio::test]
async fn a_wrong_password_is_the_tenants_oauth_error() {
    let tenant = CloudCx::start().await;
    let client = builder(&tenant)
        .oauth2_public(CLIENT_ID)
        .password(EMAIL, "guess")
        .build()
        .unwrap();

    let error = client
        .request(Method::GET, "/some/resource")
        .send::<Value>()
        .await
        .unwrap_err();

    assert_eq!(error.oauth_error(), Some("invalid_grant"), "{error:?}");
    assert!(tenant
        .server()
        .requests_to("/some/resource")
        .await
        .is_empty());
}

/// `https://{domain}` cannot reach a tenant served over plain HTTP: the client speaks TLS to it.
/// Such a tenant (a local test server, a lab install) needs both URL overrides.
#[tokio::test]
async fn a_plain_http_tenant_needs_both_url_overrides() {
    let tenant = CloudCx::start().await;
    let plain = tenant.plain_http_authority();

    let by_domain = Client::builder()
        .domain(&plain)
        .oauth2_public(CLIENT_ID)
        .password(EMAIL, PASSWORD)
        .build()
        .unwrap();
    let error = by_domain.token().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");

    let overridden = Client::builder()
        .domain(&plain)
        .base_url(format!("http://{plain}"))
        .token_url(format!("http://{plain}/oauth/token"))
        .oauth2_public(CLIENT_ID)
        .password(EMAIL, PASSWORD)
        .build()
        .unwrap();
    let echoed: Value = overridden
        .request(Method::GET, "/some/resource")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed["user"], EMAIL);
}

#[test]
fn every_confirmed_webhook_event_decodes() {
    let contact_json = json!({
        "id": 17, "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
        "phoneNumber": "+441632960001", "leadStage": "qualified", "createdTime": "2025-03-01 10:00:00",
        "tags": [{ "id": 3, "name": "vip", "color": "#ff0000" }],
    });
    let contact = Contact {
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@example.com".into()),
        phone_number: Some("+441632960001".into()),
        lead_stage: Some("qualified".into()),
        created_time: Some(json!("2025-03-01 10:00:00")),
        tags: Some(vec![Tag {
            name: Some("vip".into()),
            color: Some("#ff0000".into()),
            ..Tag::new(json!(3))
        }]),
        ..Contact::new(json!(17))
    };
    let ticket = json!(501);
    let cases = [
        (
            json!({ "event": "ContactCreated", "contacts": [contact_json] }),
            WebhookEvent::ContactCreated(ContactCreatedEvent::new(vec![contact.clone()])),
        ),
        (
            json!({ "event": "ContactUpdated", "contacts": [contact_json] }),
            WebhookEvent::ContactUpdated(ContactUpdatedEvent::new(vec![contact])),
        ),
        (
            json!({ "event": "ContactDeleted", "ids": [17, 18] }),
            WebhookEvent::ContactDeleted(ContactDeletedEvent::new(vec![json!(17), json!(18)])),
        ),
        (
            json!({ "event": "TicketCreated", "ticketId": 501 }),
            WebhookEvent::TicketCreated(TicketCreatedEvent::new(ticket.clone())),
        ),
        (
            json!({ "event": "TicketFromUserReply", "ticketId": 501, "messageId": 9001 }),
            WebhookEvent::TicketFromUserReply(TicketFromUserReplyEvent {
                message_id: Some(json!(9001)),
                ..TicketFromUserReplyEvent::new(ticket.clone())
            }),
        ),
        (
            json!({ "event": "TicketAgentReply", "ticketId": 501, "messageId": 9002 }),
            WebhookEvent::TicketAgentReply(TicketAgentReplyEvent {
                message_id: Some(json!(9002)),
                ..TicketAgentReplyEvent::new(ticket.clone())
            }),
        ),
        (
            json!({ "event": "TicketAssigneeChanged", "ticketId": 501, "fromAgentId": 4, "toAgentId": 7 }),
            WebhookEvent::TicketAssigneeChanged(TicketAssigneeChangedEvent {
                from_agent_id: Some(json!(4)),
                to_agent_id: Some(json!(7)),
                ..TicketAssigneeChangedEvent::new(ticket.clone())
            }),
        ),
        (
            json!({ "event": "TicketStatusChanged", "ticketId": 501, "beforeTicketStatus": "open", "afterTicketStatus": "solved" }),
            WebhookEvent::TicketStatusChanged(TicketStatusChangedEvent {
                before_ticket_status: Some(json!("open")),
                after_ticket_status: Some(json!("solved")),
                ..TicketStatusChangedEvent::new(ticket.clone())
            }),
        ),
        (
            json!({ "event": "TicketMoveToRecycleBin", "ticketId": 501 }),
            WebhookEvent::TicketMoveToRecycleBin(TicketMoveToRecycleBinEvent::new(ticket)),
        ),
    ];

    for (payload, expected) in cases {
        let event = WebhookEvent::from_slice(payload.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{payload} does not decode: {e}"));
        assert_eq!(event, expected);
        assert_eq!(event.name(), payload["event"]);
    }
}

#[test]
fn an_event_from_the_future_decodes_without_failing() {
    let payload = json!({ "event": "TicketMerged", "ticketId": 501, "intoTicketId": 502 });

    let event = WebhookEvent::from_slice(payload.to_string().as_bytes()).unwrap();

    assert_eq!(event.name(), "TicketMerged");
    assert!(
        matches!(&event, WebhookEvent::Unknown { event, payload: kept } if event == "TicketMerged" && *kept == payload)
    );
    // A known event with a field added later still decodes as itself.
    let grown = json!({ "event": "TicketCreated", "ticketId": 501, "channel": "whatsapp" });
    assert!(matches!(
        WebhookEvent::from_slice(grown.to_string().as_bytes()).unwrap(),
        WebhookEvent::TicketCreated(_)
    ));
    // A body that is not an event at all is an error, not an unknown event.
    assert!(WebhookEvent::from_slice(br#"{"ticketId": 501}"#).is_err());
}

/// The stand-in refuses what CloudCX refuses, so the stories above would fail against it the way
/// a wrong client fails against the provider.
#[tokio::test]
async fn the_stand_in_refuses_what_cloudcx_refuses() {
    let tenant = CloudCx::start().await;
    let http = tls::trusting(reqwest::Client::builder()).build().unwrap();
    let token_url = format!("https://{}/oauth/token", tenant.domain());
    let refused = |form: &'static [(&'static str, &'static str)]| {
        let request = http.post(&token_url).form(form);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap()["error"].clone(),
            )
        }
    };

    let with_username = &[
        ("grant_type", "password"),
        ("client_id", CLIENT_ID),
        ("username", EMAIL),
        ("password", PASSWORD),
    ];
    assert_eq!(
        refused(with_username).await,
        (400, json!("invalid_request"))
    );
    let with_secret = &[
        ("grant_type", "password"),
        ("client_id", CLIENT_ID),
        ("client_secret", "s"),
        ("email", EMAIL),
        ("password", PASSWORD),
    ];
    assert_eq!(refused(with_secret).await, (401, json!("invalid_client")));
    let as_json = http.post(&token_url).json(&json!({ "grant_type": "password", "client_id": CLIENT_ID, "email": EMAIL, "password": PASSWORD }));
    assert_eq!(as_json.send().await.unwrap().status(), 400);
    let anonymous = http
        .get(format!("https://{}/some/resource", tenant.domain()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
