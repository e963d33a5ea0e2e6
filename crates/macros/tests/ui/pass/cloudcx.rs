// CloudCX: password grant with `email` on a tenant domain; webhook events.
mod cloudcx {
    provider_macros::provider!("../../../../specs/cloudcx.yaml");
}

#[allow(dead_code)]
async fn escape_hatch(client: &cloudcx::Client) -> cloudcx::Result<serde_json::Value> {
    client.request(reqwest::Method::GET, "/api/contacts").send().await
}

fn main() {
    let client = cloudcx::Client::builder()
        .domain("cx.cloudfon.net:9001")
        .oauth2_public("client-id")
        .password("agent@example.com", "password")
        .build();
    assert!(client.is_ok());
    let event = cloudcx::WebhookEvent::from_slice(br#"{"event": "TicketCreated", "ticketId": 7}"#).unwrap();
    assert_eq!(event.name(), "TicketCreated");
}
