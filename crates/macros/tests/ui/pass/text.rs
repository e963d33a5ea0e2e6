// Text: public PKCE client, comma-separated scopes, personal access tokens.
mod text {
    provider_macros::provider!("../../../../specs/text.yaml");
}

#[allow(dead_code)]
async fn chats(client: &text::Client) -> text::Result<()> {
    let page = client.list_chats(&text::ListChatsRequest { limit: Some(10), ..Default::default() }).await?;
    let _ = page.next_page_id;
    Ok(())
}

fn main() {
    let client = text::Client::builder().oauth2_public("client-id").build().unwrap();
    let request = client.authorize_url("http://127.0.0.1/callback", &[]).unwrap();
    assert!(request.url().as_str().contains("code_challenge_method=S256"));
    assert!(text::Client::builder().pat("account", "token").build().is_ok());
}
