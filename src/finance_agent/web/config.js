// Where the page finds the finance-agent API.
//
// Empty: the same origin that served the page (what `finance-agent serve` does). To use these
// files as a static site in front of a deployed API, put the API's base URL here, for example
// "https://abc123.execute-api.eu-west-1.amazonaws.com", or open the page with ?api=<that URL>
// (the query parameter wins). The API must allow the page's origin (CORS_ALLOW_ORIGINS).
export const API_BASE = "";
