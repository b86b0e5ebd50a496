package honeytoken_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/decoykit/decoykit/honeytoken"
)

// exampleKey stands in for 32 bytes from crypto/rand kept in a secret manager.
func exampleKey() []byte {
	k := sha256.Sum256([]byte("decoykit example key - use crypto/rand in real code"))
	return k[:]
}

func ExampleGenerator_Generate() {
	g, err := honeytoken.NewGenerator(exampleKey())
	if err != nil {
		panic(err)
	}
	tok, err := g.Generate(honeytoken.GitHubClassic, honeytoken.Meta{Location: "ci/.env", Memo: "CI runner"})
	if err != nil {
		panic(err)
	}
	fmt.Println("format:", tok.Format)
	fmt.Println("prefix:", tok.Value[:4])
	fmt.Println("length:", len(tok.Value))
	fmt.Println("checksum valid:", honeytoken.ValidChecksum(tok.Value))
	fmt.Println("location:", tok.Meta.Location)

	aws, err := g.Generate(honeytoken.AWSAccessKey, honeytoken.Meta{Location: "~/.aws/credentials"})
	if err != nil {
		panic(err)
	}
	acct, _ := honeytoken.AWSAccountID(aws.Value)
	fmt.Println("aws key id length:", len(aws.Value), "secret length:", len(aws.Secret))
	fmt.Println("account is the generator's:", acct == g.AccountID())
	// Output:
	// format: github-classic
	// prefix: ghp_
	// length: 40
	// checksum valid: true
	// location: ci/.env
	// aws key id length: 20 secret length: 40
	// account is the generator's: true
}

func ExampleGenerator_Recognize() {
	g, _ := honeytoken.NewGenerator(exampleKey())
	tok, _ := g.Generate(honeytoken.StripeSecret, honeytoken.Meta{Location: "billing/config.yaml"})

	m, ok := g.Recognize(tok.Value)
	fmt.Println("recognised:", ok, "format:", m.Format, "same id:", m.ID == tok.ID)

	// One changed character, or a token from another key, is rejected.
	changed := tok.Value[:20] + string(tok.Value[20]^1) + tok.Value[21:]
	_, ok = g.Recognize(changed)
	fmt.Println("changed token recognised:", ok)

	// After a key rotation, the old key is kept as a retired key.
	rotated, _ := honeytoken.NewGenerator(append(exampleKey()[1:], 'x'), honeytoken.WithRetiredKeys(exampleKey()))
	m, ok = rotated.Recognize(tok.Value)
	fmt.Println("recognised after rotation:", ok, "retired:", m.Retired)
	// Output:
	// recognised: true format: stripe-secret same id: true
	// changed token recognised: false
	// recognised after rotation: true retired: true
}

func ExampleGenerator_Scan() {
	g, _ := honeytoken.NewGenerator(exampleKey())
	slack, _ := g.Generate(honeytoken.SlackBot, honeytoken.Meta{})
	aws, _ := g.Generate(honeytoken.AWSAccessKey, honeytoken.Meta{})

	request := "POST /api/chat.postMessage HTTP/1.1\r\n" +
		"Authorization: Bearer " + slack.Value + "\r\n" +
		"X-Debug: " + base64.StdEncoding.EncodeToString([]byte(aws.Value+":"+aws.Secret)) + "\r\n\r\n"
	for _, m := range g.Scan(request) {
		fmt.Printf("%s %s encoding=%q\n", m.Format, m.Part, m.Encoding)
	}
	// Output:
	// slack-bot value encoding=""
	// aws-access-key value encoding="base64"
	// aws-access-key secret encoding="base64"
}

func ExampleRender() {
	g, _ := honeytoken.NewGenerator(exampleKey())
	aws, _ := g.Generate(honeytoken.AWSAccessKey, honeytoken.Meta{Location: "infra/.env"})
	openai, _ := g.Generate(honeytoken.OpenAI, honeytoken.Meta{Location: "infra/.env"})

	b, err := honeytoken.Render(honeytoken.EnvFile, aws, openai)
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		name, _, _ := strings.Cut(line, "=")
		fmt.Println(name)
	}

	dir, _ := os.MkdirTemp("", "decoy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, ".env")
	fmt.Println("write:", honeytoken.WriteFile(path, b, honeytoken.WriteOptions{}))
	err = honeytoken.WriteFile(path, b, honeytoken.WriteOptions{})
	fmt.Println("second write refused:", err != nil)
	st, _ := os.Stat(path)
	fmt.Println("mode:", st.Mode().Perm())
	// Output:
	// AWS_ACCESS_KEY_ID
	// AWS_SECRET_ACCESS_KEY
	// OPENAI_API_KEY
	// write: <nil>
	// second write refused: true
	// mode: -rw-------
}

func ExampleRenderWith() {
	g, _ := honeytoken.NewGenerator(exampleKey())
	key, _ := g.Generate(honeytoken.StripeSecret, honeytoken.Meta{Location: "k8s/payments/secret.yaml"})

	b, err := honeytoken.RenderWith(honeytoken.KubernetesSecret, []honeytoken.Token{key},
		honeytoken.WithSecretName("payments-stripe"), honeytoken.WithNamespace("payments"),
		honeytoken.WithEnvName(honeytoken.StripeSecret, "STRIPE_API_KEY"))
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		name, _, _ := strings.Cut(line, ": \"") // the value itself is not printed
		fmt.Println(name)
	}
	fmt.Println("written to:", honeytoken.DefaultPath(honeytoken.KubernetesSecret))
	// Output:
	// apiVersion: v1
	// kind: Secret
	// metadata:
	//   name: payments-stripe
	//   namespace: payments
	// type: Opaque
	// stringData:
	//   STRIPE_API_KEY
	// written to: k8s/secret.yaml
}

func ExampleRotator() {
	g, _ := honeytoken.NewGenerator(exampleKey())
	ctx := context.Background()
	r := &honeytoken.Rotator{Generator: g, Store: honeytoken.NewMemoryStore(), Grace: 0}
	old, _ := r.Issue(ctx, honeytoken.NPM, honeytoken.Meta{Location: ".npmrc"})
	repl, _ := r.Rotate(ctx, old.ID)
	rec, _ := r.Store.Get(ctx, old.ID)
	fmt.Println("old status:", rec.Status, "replaced by new:", rec.ReplacedBy == repl.ID)
	fmt.Println("same location:", repl.Meta.Location)
	// Output:
	// old status: retired replaced by new: true
	// same location: .npmrc
}
