// inTandem: brand host in the authorize URL, `{"status", "data"}` envelopes.
mod intandem {
    provider_macros::provider!("../../../../specs/intandem.yaml");
}

#[allow(dead_code)]
async fn clients(client: &intandem::Client) -> intandem::Result<()> {
    let query = intandem::ListClientsQuery { per_page: Some(100), ..Default::default() };
    let list = client.list_clients(&query, &intandem::ListClientsHeaders::default()).await?;
    let _ = list.clients.len();
    Ok(())
}

fn main() {
    let client = intandem::Client::builder().brand_host("brand.example.com").oauth2("id", "secret").build().unwrap();
    let request = client.authorize_url("http://127.0.0.1/callback").unwrap();
    assert!(request.url().as_str().starts_with("https://brand.example.com/app/oauth/authorize"));
}
