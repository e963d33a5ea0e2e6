// SMS.CX: client credentials with a scope subset, then a typed call.
mod sms_cx {
    provider_macros::provider!("../../../../specs/sms_cx.yaml");
}

#[allow(dead_code)]
async fn send(client: &sms_cx::Client) -> sms_cx::Result<()> {
    let body = sms_cx::SendSmsRequest::new(vec!["+15551234567".into()], "Acme".into(), "hi".into());
    let sent: sms_cx::SendSmsResponse = client.send_sms(&body).await?;
    let _ = sent.info.campaign_id;
    Ok(())
}

fn main() {
    let client = sms_cx::Client::builder()
        .oauth2("app-id", "app-secret")
        .client_credentials([sms_cx::Scope::Sms, sms_cx::Scope::Groups])
        .build();
    assert!(client.is_ok());
}
