package canary

import "sort"

// Kind is a Canarytoken kind as the Console API spells it ("http",
// "aws-id", ...). The constants cover the kinds the Console documents; any
// other string can be used with CreateTokenRequest.AllowUnknownKind, and
// Tokens.Kinds asks the Console for the authoritative list.
type Kind string

// Canarytoken kinds of the Console API (GET /canarytokens/list).
const (
	KindActiveDirectoryLogin Kind = "active-directory-login"
	KindAutoregGoogleDocs    Kind = "autoreg-google-docs"
	KindAutoregGoogleSheets  Kind = "autoreg-google-sheets"
	KindAWSID                Kind = "aws-id"
	KindAWSS3                Kind = "aws-s3"
	KindAzureEntraLogin      Kind = "azure-entra-login"
	KindAzureID              Kind = "azure-id"
	KindClonedCSS            Kind = "cloned-css"
	KindClonedWeb            Kind = "cloned-web"
	KindCreditCard           Kind = "credit-card"
	KindDNS                  Kind = "dns"
	KindMSExcel              Kind = "doc-msexcel"
	KindMSWord               Kind = "doc-msword"
	KindFastRedirect         Kind = "fast-redirect"
	KindGmail                Kind = "gmail"
	KindGoogleDocs           Kind = "google-docs"
	KindGoogleSheets         Kind = "google-sheets"
	KindHTTP                 Kind = "http"
	KindIDPApp               Kind = "idp-app"
	KindMSExcelMacro         Kind = "msexcel-macro"
	KindMSWordMacro          Kind = "msword-macro"
	KindMySQLDump            Kind = "mysql-dump"
	KindOffice365Mail        Kind = "office365mail"
	KindPDF                  Kind = "pdf-acrobat-reader"
	KindPWA                  Kind = "pwa"
	KindQRCode               Kind = "qr-code"
	KindSensitiveCmd         Kind = "sensitive-cmd"
	KindSignedExe            Kind = "signed-exe"
	KindSlackAPI             Kind = "slack-api"
	KindSlowRedirect         Kind = "slow-redirect"
	KindWebImage             Kind = "web-image"
	KindWindowsDir           Kind = "windows-dir"
	KindWireGuard            Kind = "wireguard"
)

// kindDescriptions are the Console's own descriptions (GET /canarytokens/list).
var kindDescriptions = map[Kind]string{
	KindActiveDirectoryLogin: "Active Directory Login",
	KindAutoregGoogleDocs:    "Google Doc",
	KindAutoregGoogleSheets:  "Google Sheet",
	KindAWSID:                "AWS API Key",
	KindAWSS3:                "AWS S3 Bucket",
	KindAzureEntraLogin:      "Azure Entra Login",
	KindAzureID:              "Azure Login Certificate and Config",
	KindClonedCSS:            "CSS cloned site",
	KindClonedWeb:            "Cloned Website",
	KindCreditCard:           "Credit Card",
	KindDNS:                  "DNS",
	KindMSExcel:              "MS Excel Document",
	KindMSWord:               "MS Word Document",
	KindFastRedirect:         "Fast Redirect",
	KindGmail:                "Gmail",
	KindGoogleDocs:           "Google Doc",
	KindGoogleSheets:         "Google Sheet",
	KindHTTP:                 "Web Bug",
	KindIDPApp:               "IdP App",
	KindMSExcelMacro:         "MS Excel Macro Document",
	KindMSWordMacro:          "MS Word Macro Document",
	KindMySQLDump:            "MySQL Dump File",
	KindOffice365Mail:        "Office 365 Mail Bug",
	KindPDF:                  "Acrobat PDF",
	KindPWA:                  "Fake App",
	KindQRCode:               "QR Code",
	KindSensitiveCmd:         "Sensitive Command",
	KindSignedExe:            "Custom Exe/Binary",
	KindSlackAPI:             "Slack API Key",
	KindSlowRedirect:         "Slow Redirect",
	KindWebImage:             "Custom Web Image",
	KindWindowsDir:           "Windows Folder",
	KindWireGuard:            "WireGuard VPN",
}

// Description returns the Console's description of a known kind, or "".
func (k Kind) Description() string { return kindDescriptions[k] }

// Known reports whether k is one of the kinds this SDK has constants for.
func (k Kind) Known() bool { _, ok := kindDescriptions[k]; return ok }

// KnownKinds returns every kind this SDK has a constant for, sorted.
func KnownKinds() []Kind {
	ks := make([]Kind, 0, len(kindDescriptions))
	for k := range kindDescriptions {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// RecommendedKinds returns the ten kinds a baseline deception estate deploys
// (web bug, DNS, Word, PDF, AWS keys, web image, cloned site, QR code,
// sensitive command, Windows folder), in that order. Audits score coverage
// against this set by default.
func RecommendedKinds() []Kind {
	return []Kind{KindHTTP, KindDNS, KindMSWord, KindPDF, KindAWSID, KindWebImage,
		KindClonedWeb, KindQRCode, KindSensitiveCmd, KindWindowsDir}
}
