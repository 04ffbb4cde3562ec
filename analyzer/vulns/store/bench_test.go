package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkImportNVDRecords imports the 17 real record files into a fresh
// store.
func BenchmarkImportNVDRecords(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "v.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Import(context.Background(), nvdDir, nil); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkImportYearFeed imports a feed file the size of one NVD year
// (30,000 records), made by repeating the real records under new IDs: a
// volume test of the streaming reader and the store, not real data.
func BenchmarkImportYearFeed(b *testing.B) {
	names, _ := filepath.Glob(filepath.Join(nvdDir, "CVE-*.json"))
	var srcs [][]byte
	for _, n := range names {
		raw, _ := os.ReadFile(n)
		srcs = append(srcs, raw)
	}
	var feed bytes.Buffer
	feed.WriteString(`{"format":"NVD_CVE","version":"2.0","vulnerabilities":[`)
	const n = 30000
	for i := range n {
		src := srcs[i%len(srcs)]
		id := string(src[strings.Index(string(src), `"CVE-`)+1:])
		id = id[:strings.IndexByte(id, '"')]
		rec := strings.Replace(string(src), id, fmt.Sprintf("CVE-2023-%05d", i), 1)
		if i > 0 {
			feed.WriteByte(',')
		}
		feed.WriteString(`{"cve":` + rec + `}`)
	}
	feed.WriteString("]}")
	p := filepath.Join(b.TempDir(), "year.json")
	os.WriteFile(p, feed.Bytes(), 0o644)
	b.SetBytes(int64(feed.Len()))
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "v.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rs, err := s.Import(context.Background(), p, nil)
		if err != nil || rs[0].Added != n {
			b.Fatal(err, rs)
		}
		s.Close()
	}
}
