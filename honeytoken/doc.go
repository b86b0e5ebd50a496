// Package honeytoken mints realistic decoy credentials (honeytokens) that carry an
// encrypted, keyed tag, recognises them again without a database, scans arbitrary
// text for them, renders them into the files where real credentials live, and keeps
// a registry of what was issued, where, and what replaced it.
//
// # Generating
//
// A [Generator] is built from a secret key of at least 32 random bytes:
//
//	g, err := honeytoken.NewGenerator(key)
//	tok, err := g.Generate(honeytoken.GitHubClassic, honeytoken.Meta{Location: "ci/.env"})
//
// Each built-in [Format] is shaped exactly as its real issuer shapes it: the same
// prefix, length and alphabet, a valid public checksum where the issuer has one
// (GitHub and npm CRC32/base62, GitLab's routable CRC32/base36), and an AWS key id
// that encodes an AWS account id the way AWS does (never a known canary or
// documentation account). Values whose Shannon entropy is at or below the threshold
// that secret scanners apply, or that contain, anywhere in the whole value, a word
// of the project's avoidance list (English words, programming and crypto terms,
// years, gitleaks' stop words: scanners drop such findings as false positives), are
// re-rolled, so that scanners such as gitleaks and TruffleHog report the decoy like
// a real leak. Nothing in a decoy marks it as one: a private key is an OpenSSH
// Ed25519 key as ssh-keygen writes it, a JWT carries registered claims only
// ([WithJWTClaims] sets them). [CustomFormat] mimics a team's own key shape.
//
// # The keyed tag
//
// The characters a format leaves free carry AES(id ‖ tag), the tag being
// AES-128 under its own key over one block (type ‖ id), cut to 8 bytes,
// encoded without leading-character bias; the remaining free characters are derived
// from that ciphertext under a separate key, and public checksums are recomputed last.
// [Generator.Recognize] decodes a candidate, decrypts, checks the 64-bit tag in
// constant time and re-derives the whole token, so any changed character is rejected
// and a random string is accepted with probability about 2^-64 per key. Retired keys
// ([WithRetiredKeys]) keep old tokens recognisable after a key rotation.
//
// One exception is documented on [AWSAccessKey]: an AWS access key id has only 39
// free bits, so a key id alone is matched by the generator's secret account id and
// its free bits ([Match.Strength] is 40); the paired secret access key carries the
// full 64-bit tag.
//
// # Finding
//
// [Generator.Scan] finds every honeytoken of the generator inside text such as an HTTP
// header, a request body, a log line or a file, including base64- and URL-encoded
// forms, in time linear in the input. It jumps between runs of base64 characters
// long enough to hold a token rather than walking every byte, so clean log text is
// scanned at memory-like speed. [Generator.ScanReader] does the same over an
// io.Reader in bounded memory, reporting each match's offset and line (see
// examples/honeytoken-scan).
//
// # Placing, registering, rotating
//
// [Render] writes tokens into a .env file, JSON, YAML, an AWS credentials or config
// file, a GitHub Actions workflow, a Kubernetes Secret or a curl snippet, with the
// variable names each vendor's documentation uses; [RenderWith] takes the names of
// the estate they are planted in (Secret name and namespace, variable names, AWS
// profiles, key path) and [DefaultPath] the file's usual place; [WriteFile] writes such a file with mode 0600
// and never overwrites unless asked. A [Store] ([NewMemoryStore], [OpenFileStore])
// records issued tokens; a [Rotator] replaces a token with one of the same meta and
// retires the old one after a grace period.
//
// The generator key never appears in an error, a log line or fmt output: [Generator]
// implements fmt.Formatter, fmt.Stringer, fmt.GoStringer and slog.LogValuer.
package honeytoken
