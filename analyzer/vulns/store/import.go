package store

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/fwstar/fwstar/analyzer/vulns/feed"
)

// FileResult is what importing one file (or zip member) did.
type FileResult struct {
	Path   string
	Format string
	Counts
	Err error
}

// batch is how many records go into one transaction.
const batch = 1000

// Import reads path (a file, or a folder walked for *.json, *.csv and their
// .gz/.xz forms, or a .zip of such files, as OSV ships) into the store.
// A file that fails is reported and the rest go on.
func (s *Store) Import(ctx context.Context, path string, vp feed.VendorProduct) ([]FileResult, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return s.importFile(ctx, path, vp), nil
	}
	var out []FileResult
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != path {
				return filepath.SkipDir // .git of a cloned feed repository
			}
			return nil
		}
		n := strings.ToLower(d.Name())
		for _, ext := range []string{".json", ".json.gz", ".json.xz", ".csv", ".csv.gz", ".zip"} {
			if strings.HasSuffix(n, ext) {
				out = append(out, s.importFile(ctx, p, vp)...)
				break
			}
		}
		return nil
	})
	return out, err
}

func (s *Store) importFile(ctx context.Context, path string, vp feed.VendorProduct) []FileResult {
	f, err := os.Open(path)
	if err != nil {
		return []FileResult{{Path: path, Err: err}}
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(6)
	if bytes.HasPrefix(magic, []byte("PK\x03\x04")) {
		return s.importZip(ctx, f, path, vp)
	}
	res := s.importStream(ctx, br, path, vp)
	return []FileResult{res}
}

func (s *Store) importZip(ctx context.Context, f *os.File, path string, vp feed.VendorProduct) []FileResult {
	fi, err := f.Stat()
	if err != nil {
		return []FileResult{{Path: path, Err: err}}
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return []FileResult{{Path: path, Err: err}}
	}
	// One zip (an OSV ecosystem's all.zip) holds tens of thousands of
	// one-record files: batch their records across members.
	var out []FileResult
	sum := FileResult{Path: path, Format: "zip"}
	var pending []*feed.Record
	flush := func() error {
		n, err := s.PutRecords(ctx, pending)
		sum.add(n)
		pending = pending[:0]
		return err
	}
	for _, m := range zr.File {
		if m.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(m.Name), ".json") {
			continue
		}
		rc, err := m.Open()
		if err != nil {
			out = append(out, FileResult{Path: path + "!" + m.Name, Err: err})
			continue
		}
		format, err := feed.Read(rc, vp, feed.Handler{Record: func(r *feed.Record) error {
			pending = append(pending, r)
			if len(pending) >= batch {
				return flush()
			}
			return nil
		}})
		rc.Close()
		if err != nil {
			out = append(out, FileResult{Path: path + "!" + m.Name, Format: format, Err: err})
		} else if sum.Format == "zip" {
			sum.Format = "zip/" + format
		}
	}
	if err := flush(); err != nil {
		sum.Err = err
	}
	if sum.Err == nil {
		sum.Err = s.logImport(ctx, path, sum.Format, sum.Counts)
	}
	return append([]FileResult{sum}, out...)
}

// importStream reads one (possibly gzip or xz compressed) file.
func (s *Store) importStream(ctx context.Context, br *bufio.Reader, path string, vp feed.VendorProduct) FileResult {
	res := FileResult{Path: path}
	var r io.Reader = br
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			res.Err = err
			return res
		}
		r = zr
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		xr, err := xz.NewReader(br)
		if err != nil {
			res.Err = err
			return res
		}
		r = xr
	}
	var pending []*feed.Record
	kev := map[string]feed.KEV{}
	var epss []feed.EPSS
	flush := func() error {
		n, err := s.PutRecords(ctx, pending)
		res.add(n)
		pending = pending[:0]
		if err != nil {
			return err
		}
		if len(epss) > 0 {
			n, err = s.PutEPSS(ctx, epss)
			res.add(n)
			epss = epss[:0]
		}
		return err
	}
	format, err := feed.Read(r, vp, feed.Handler{
		Record: func(rec *feed.Record) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			pending = append(pending, rec)
			if len(pending) >= batch {
				return flush()
			}
			return nil
		},
		KEV: func(id string, k feed.KEV) error { kev[id] = k; return nil },
		EPSS: func(e feed.EPSS) error {
			epss = append(epss, e)
			if len(epss) >= 10*batch {
				return flush()
			}
			return nil
		},
	})
	res.Format = format
	if err != nil {
		res.Err = fmt.Errorf("%s: %w", path, err)
		return res
	}
	if err := flush(); err != nil {
		res.Err = err
		return res
	}
	if len(kev) > 0 {
		n, err := s.PutKEV(ctx, kev)
		res.add(n)
		if err != nil {
			res.Err = err
			return res
		}
	}
	res.Err = s.logImport(ctx, path, format, res.Counts)
	return res
}
