// ITCTXT: authorization code with an API key beside the Bearer token.
mod itctxt {
    provider_macros::provider!("../../../../specs/itctxt.yaml");
}

#[allow(dead_code)]
async fn send(client: &itctxt::Client) -> itctxt::Result<()> {
    let query = itctxt::SendSmsQuery::new("+15550001111".into(), "+15552223333".into(), "hi".into());
    client.send_sms(&query).await?;
    Ok(())
}

fn main() {
    let client = itctxt::Client::builder().oauth2("id", "secret").api_key("key").build().unwrap();
    let request = client.authorize_url("http://127.0.0.1/callback", &[itctxt::Scope::SendMessage]).unwrap();
    assert!(request.url().as_str().starts_with("https://authns.beetexting.com/oauth2/authorize/"));
}
