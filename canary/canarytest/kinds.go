package canarytest

// kindInfo is what the fake knows about one Canarytoken kind, taken from the
// Console documentation (docs.canary.tools, canarytokens/actions.md) rather
// than from package canary, so that a misspelt kind in the SDK shows up as a
// failing test instead of agreeing with itself.
type kindInfo struct {
	desc string
	// flow marks kinds the Console creates through a dedicated OAuth or
	// email flow, not /canarytoken/create.
	flow bool
	// upload is the multipart field of the file the kind takes ("" none).
	upload         string
	uploadRequired bool
	// required form fields besides kind and memo.
	required []string
	// optional form fields the kind takes and echoes back.
	optional []string
	// file is the extension of the file /canarytoken/download serves
	// ("" means "File generation not supported.").
	file string
	// logtype of the kind's incidents. 17000 (web bug), 17012 (aws-id),
	// 17022 (wireguard), 16011 (sensitive-cmd) and 16012 (AD login) are
	// documented; the others are made up, in the right channel (16xxx DNS,
	// 17xxx HTTP).
	logtype int
}

func (k kindInfo) dnsChannel() bool { return k.logtype < 17000 }

// kinds is GET /canarytokens/list of a current Console, plus idp-app.
var kinds = map[string]kindInfo{
	"active-directory-login": {desc: "Active Directory Login", required: []string{"tokened_usernames"}, logtype: 16012},
	"autoreg-google-docs":    {desc: "Google Doc", flow: true, logtype: 17030},
	"autoreg-google-sheets":  {desc: "Google Sheet", flow: true, logtype: 17031},
	"aws-id":                 {desc: "AWS API Key", optional: []string{"expiry"}, logtype: 17012},
	"aws-s3":                 {desc: "AWS S3 Bucket", required: []string{"s3_source_bucket", "s3_log_bucket"}, optional: []string{"aws_access_key", "aws_secret_key", "aws_session_token", "aws_region"}, logtype: 17013},
	"azure-entra-login":      {desc: "Azure Entra Login", optional: []string{"expected_referrer"}, logtype: 17014},
	"azure-id":               {desc: "Azure Login Certificate and Config", required: []string{"azure_id_cert_file_name"}, file: ".zip", logtype: 17015},
	"cloned-css":             {desc: "CSS cloned site", optional: []string{"expected_referrer"}, logtype: 17016},
	"cloned-web":             {desc: "Cloned Website", required: []string{"cloned_web"}, logtype: 17003},
	"credit-card":            {desc: "Credit Card", logtype: 17017},
	"dns":                    {desc: "DNS", logtype: 16000},
	"doc-msexcel":            {desc: "MS Excel Document", file: ".xlsx", logtype: 17005},
	"doc-msword":             {desc: "MS Word Document", upload: "doc", file: ".docx", logtype: 17004},
	"fast-redirect":          {desc: "Fast Redirect", required: []string{"browser_redirect_url"}, logtype: 17006},
	"gmail":                  {desc: "Gmail", flow: true, logtype: 17032},
	"google-docs":            {desc: "Google Doc", logtype: 17018},
	"google-sheets":          {desc: "Google Sheet", logtype: 17019},
	"http":                   {desc: "Web Bug", optional: []string{"browser_scanner_enabled"}, logtype: 17000},
	"idp-app":                {desc: "IdP App", required: []string{"idp_app_type"}, logtype: 17020},
	"msexcel-macro":          {desc: "MS Excel Macro Document", file: ".xlsm", logtype: 16005},
	"msword-macro":           {desc: "MS Word Macro Document", file: ".docm", logtype: 16004},
	"mysql-dump":             {desc: "MySQL Dump File", optional: []string{"industry"}, file: ".sql", logtype: 16007},
	"office365mail":          {desc: "Office 365 Mail Bug", flow: true, logtype: 17033},
	"pdf-acrobat-reader":     {desc: "Acrobat PDF", upload: "pdf", file: ".pdf", logtype: 16008},
	"pwa":                    {desc: "Fake App", required: []string{"pwa_app_name", "pwa_icon"}, logtype: 17021},
	"qr-code":                {desc: "QR Code", optional: []string{"browser_redirect_url"}, file: ".png", logtype: 17009},
	"sensitive-cmd":          {desc: "Sensitive Command", required: []string{"process_name"}, file: ".reg", logtype: 16011},
	"signed-exe":             {desc: "Custom Exe/Binary", upload: "exe", uploadRequired: true, file: ".exe", logtype: 16010},
	"slack-api":              {desc: "Slack API Key", file: ".txt", logtype: 17023},
	"slow-redirect":          {desc: "Slow Redirect", required: []string{"browser_redirect_url"}, logtype: 17007},
	"web-image":              {desc: "Custom Web Image", upload: "web_image", uploadRequired: true, file: ".png", logtype: 17002},
	"windows-dir":            {desc: "Windows Folder", file: ".zip", logtype: 16006},
	"wireguard":              {desc: "WireGuard VPN", logtype: 17022},
}

// commonParams are the create fields every kind accepts.
var commonParams = []string{"flock_id", "custom_domain"}
