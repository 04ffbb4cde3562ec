package secrets

import (
	"bytes"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

//go:embed testkeys/testkeys.yml
var testKeysYAML []byte

// TestKey is a private key published as test data of a library: compiled
// into the library, it is no device secret.
type TestKey struct {
	SPKISHA256 string `yaml:"spki_sha256"` // SHA-256 of the SubjectPublicKeyInfo DER
	Name       string `yaml:"name"`
	Source     string `yaml:"source"`
}

// TestKeys returns the known public test keys by SPKI SHA-256.
func TestKeys() (map[string]TestKey, error) {
	dec := yaml.NewDecoder(bytes.NewReader(testKeysYAML))
	dec.KnownFields(true)
	var f struct {
		Keys []TestKey `yaml:"keys"`
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules/secrets/testkeys: %w", err)
	}
	m := map[string]TestKey{}
	for _, k := range f.Keys {
		if len(k.SPKISHA256) != 64 || k.Source == "" {
			return nil, fmt.Errorf("rules/secrets/testkeys: bad entry %q", k.Name)
		}
		m[k.SPKISHA256] = k
	}
	return m, nil
}
