package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/report"
)

// Key is something that identifies a secret across images: a public-key or
// certificate fingerprint, or a digest of a password hash, a default
// credential or a raw secret. Raw secrets are never kept, only their digest.
type Key struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	RuleID string `json:"rule_id"`
	Path   string `json:"path"` // layer path of the evidence
}

// Kinds of shared keys.
const (
	KeyPublic     = "key"                // same key pair (public-key fingerprint)
	KeyCert       = "certificate"        // same certificate
	KeyHash       = "password-hash"      // same stored password hash
	KeyDefault    = "default-credential" // same account with the same known password
	KeyPassword   = "password"           // same plain password
	KeySecret     = "secret"             // same raw secret (a private key, a token)
	KeyIdentical  = "identical-file"     // same bytes of a file holding a secret
	digestVersion = "fwstar-key-v1\x00"
)

// fingerprintProps are the Props in which the secrets pass names a key's
// public fingerprint, best first: one is enough to identify the key pair.
var fingerprintProps = []string{"fingerprint_sha256", "spki_sha256", "ssh_fingerprint"}

// keysOf reads the keys of a report's findings. It needs the report before
// Redact: secrets are digested here so that they never reach the store.
func keysOf(r *report.Report) []Key {
	seen := map[Key]bool{}
	var out []Key
	add := func(kind, value string, f *model.Finding) {
		k := Key{Kind: kind, Value: value, RuleID: f.RuleID}
		if len(f.Evidence) > 0 {
			k.Path = f.Evidence[0].Path
		}
		if value != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		// A certificate is named by the SHA-256 of its DER form.
		if strings.HasPrefix(f.RuleID, "certificate") && f.Props["sha256"] != "" {
			add(KeyCert, f.Props["sha256"], f)
			continue
		}
		if fp := firstProp(f.Props, fingerprintProps); fp != "" {
			add(KeyPublic, fp, f)
			continue
		}
		user := f.Props["account"]
		if user == "" {
			user = f.Props["user"]
		}
		switch {
		case f.Secret == "":
			// A key file the pass could not fingerprint: the same bytes are
			// the same key.
			if f.Kind == model.KindSecret {
				for _, e := range f.Evidence {
					add(KeyIdentical, e.SHA256, f)
				}
			}
		case f.RuleID == "default-password" || f.Props["list"] != "":
			add(KeyDefault, digest(KeyDefault, user, f.Secret), f)
		case f.Kind == model.KindCredential && f.Props["scheme"] != "" && f.Props["scheme"] != "plain":
			add(KeyHash, digest(KeyHash, f.Secret), f)
		case f.Kind == model.KindCredential:
			add(KeyPassword, digest(KeyPassword, user, f.Secret), f)
		default:
			add(KeySecret, digest(KeySecret, f.Secret), f)
		}
	}
	return out
}

func firstProp(props map[string]string, names []string) string {
	for _, n := range names {
		if v := props[n]; v != "" {
			return v
		}
	}
	return ""
}

// digest names a secret without revealing it. The prefix keeps these
// digests apart from plain SHA-256 sums of the same text.
func digest(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(digestVersion))
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Shared is one key found in several images.
type Shared struct {
	Kind   string        `json:"kind"`
	Value  string        `json:"value"`
	Rules  []string      `json:"rules"`
	Images []SharedImage `json:"images"`
}

// SharedImage is where an image holds a shared key.
type SharedImage struct {
	SHA256 string   `json:"sha256"`
	Name   string   `json:"name"`
	Paths  []string `json:"paths"`
}

// group folds key rows (ordered by kind, value, image) into Shared entries.
func group(rows []keyRow, names map[string]string) []Shared {
	var out []Shared
	for _, k := range rows {
		if n := len(out); n == 0 || out[n-1].Kind != k.Kind || out[n-1].Value != k.Value {
			out = append(out, Shared{Kind: k.Kind, Value: k.Value})
		}
		s := &out[len(out)-1]
		if !slices.Contains(s.Rules, k.RuleID) {
			s.Rules = append(s.Rules, k.RuleID)
		}
		if n := len(s.Images); n == 0 || s.Images[n-1].SHA256 != k.SHA256 {
			s.Images = append(s.Images, SharedImage{SHA256: k.SHA256, Name: names[k.SHA256]})
		}
		im := &s.Images[len(s.Images)-1]
		if !slices.Contains(im.Paths, k.Path) {
			im.Paths = append(im.Paths, k.Path)
		}
	}
	// Widest spread first: a key in ten images matters more than one in two.
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Images) > len(out[j].Images) })
	return out
}
