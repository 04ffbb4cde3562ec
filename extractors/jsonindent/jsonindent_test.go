package jsonindent

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// same checks Append against encoding/json's Indent on compact JSON.
func same(t *testing.T, compact []byte) {
	t.Helper()
	var want bytes.Buffer
	if err := json.Indent(&want, compact, "", "  "); err != nil {
		t.Fatalf("json.Indent: %v", err)
	}
	if got := Append(nil, compact, "  "); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("Append differs from json.Indent\n got: %q\nwant: %q", got, want.Bytes())
	}
}

func TestAgreesWithIndent(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, `""`, `0`, `null`, `{"a":[]}`, `{"a":{}}`, `[[],{},[1,[2,{}]]]`,
		`{"a":"b\"c","d":"\\","e":"\\\"","f":"{[,:]}","g":-1.5e+10,"h":true,"i":false,"j":null}`,
		`["\u003c/script\u003e","\ufffd","日本語"]`,
	} {
		same(t, []byte(s))
	}
}

// TestManifestLike runs a document of the manifest's shape, marshalled by
// encoding/json, as extract writes it.
func TestManifestLike(t *testing.T) {
	type entry struct {
		Path string            `json:"path"`
		Size int64             `json:"size,omitempty"`
		Tags []string          `json:"tags"`
		Attr map[string]string `json:"attr,omitempty"`
	}
	var doc []entry
	for i := range 300 {
		doc = append(doc, entry{Path: string(rune('a'+i%26)) + "/\"x\"\\<y>&\x01", Size: int64(i * 7), Tags: []string{}, Attr: map[string]string{"k": "v,:{}"}})
	}
	v := map[string]any{"entries": doc, "empty": map[string]int{}, "n": 1}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	same(t, b)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if got, err := Marshal(v, "  "); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("Marshal differs from json.Encoder with SetIndent (err %v)", err)
	}
}

// TestRepository runs every JSON file of the repository through both.
func TestRepository(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	n := 0
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".json" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || !json.Valid(b) {
			return nil
		}
		var c bytes.Buffer
		if json.Compact(&c, b) != nil {
			return nil
		}
		same(t, c.Bytes())
		n++
		return nil
	})
	if n < 5 {
		t.Fatalf("only %d JSON files found under %s", n, root)
	}
	t.Logf("%d JSON files", n)
}

func FuzzAppend(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"c\\\"d"}],"e":{}}`))
	f.Add([]byte(`[[],[[]],{"":""}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var c bytes.Buffer
		if !json.Valid(b) || json.Compact(&c, b) != nil {
			Append(nil, b, "\t") // must not panic on anything
			return
		}
		same(t, c.Bytes())
	})
}

func BenchmarkAppend(b *testing.B) {
	src := manifestBytes(b)
	b.SetBytes(int64(len(src)))
	var dst []byte
	for b.Loop() {
		dst = Append(dst[:0], src, "  ")
	}
}

func BenchmarkIndent(b *testing.B) {
	src := manifestBytes(b)
	b.SetBytes(int64(len(src)))
	var dst bytes.Buffer
	for b.Loop() {
		dst.Reset()
		json.Indent(&dst, src, "", "  ")
	}
}

// manifestBytes is a compact manifest-shaped document of about 150 KB.
func manifestBytes(b *testing.B) []byte {
	type entry struct {
		Path   string `json:"path"`
		Type   string `json:"type"`
		Mode   string `json:"mode"`
		UID    int64  `json:"uid"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	}
	var es []entry
	for i := range 1000 {
		es = append(es, entry{Path: "usr/lib/lib" + string(rune('a'+i%26)) + ".so", Type: "file", Mode: "755", UID: 0, Size: int64(i) * 1000,
			SHA256: "1327a8baac73653dd41ce23ceb13fe4a62860b611f17c64b9aa1ec76155553a3"})
	}
	src, err := json.Marshal(map[string]any{"entries": es})
	if err != nil {
		b.Fatal(err)
	}
	return src
}
