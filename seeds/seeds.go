// Package seeds embeds claimdesk's demo data: articles about the 2024 US
// landmine transfers to Ukraine, written in our own words, with claims,
// evidence, verdicts and one correction.
package seeds

import "embed"

// FS holds demo.json.
//
//go:embed *.json
var FS embed.FS
