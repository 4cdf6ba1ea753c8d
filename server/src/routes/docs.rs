//! `/api/docs`: a browsable page for the OpenAPI document, with Swagger UI served from
//! the product's own assets (vendored from npm `swagger-ui-dist` by the build).

use axum::response::Html;

pub async fn page() -> Html<&'static str> {
    Html(
        r#"<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenWelfare — API</title>
<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/assets/api-docs.js"></script>
</body>
</html>"#,
    )
}
