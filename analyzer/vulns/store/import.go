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
	"slices"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/fwstar/fwstar/analyzer/vulns/feed"
)

// FileResult is what importing one path did: the summary of a file or a
// folder, or the failure of one file in it.
type FileResult struct {
	Path   string
	Format string // formats found, comma-separated for folders and zips
	Counts
	Err error
}

// batch is how many records go into one transaction.
const batch = 2000

// importer accumulates what the readers find and writes it in batches
// across files: a cloned NVD feed repository is 300,000 one-record files.
type importer struct {
	s       *Store
	ctx     context.Context
	vp      feed.VendorProduct
	n       Counts
	formats []string
	recs    []*feed.Record
	kev     map[string]feed.KEV
	epss    []feed.EPSS
	failed  []FileResult
}

// Import reads path (a file, a folder walked for *.json, *.csv and their
// .gz/.xz forms, or a .zip of JSON records as OSV ships) into the store.
// The first result sums the path; further results are files that failed,
// while the rest went on. A CISA KEV catalog replaces the stored one
// (PutKEV).
func (s *Store) Import(ctx context.Context, path string, vp feed.VendorProduct) ([]FileResult, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, ctx: ctx, vp: vp, kev: map[string]feed.KEV{}}
	if !fi.IsDir() {
		im.file(path)
	} else {
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
					im.file(p)
					break
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sum := FileResult{Path: path, Format: strings.Join(im.formats, ",")}
	if err := im.flush(); err != nil {
		return nil, err
	}
	if len(im.kev) > 0 {
		n, err := s.PutKEV(ctx, im.kev)
		if err != nil {
			return nil, err
		}
		im.n.add(n)
	}
	sum.Counts = im.n
	if err := s.logImport(ctx, path, sum.Format, sum.Counts); err != nil {
		return nil, err
	}
	return append([]FileResult{sum}, im.failed...), nil
}

func (im *importer) fail(path string, err error) {
	im.failed = append(im.failed, FileResult{Path: path, Err: err})
}

func (im *importer) file(path string) {
	f, err := os.Open(path)
	if err != nil {
		im.fail(path, err)
		return
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(6)
	if !bytes.HasPrefix(magic, []byte("PK\x03\x04")) {
		if err := im.stream(br); err != nil {
			im.fail(path, err)
		}
		return
	}
	fi, err := f.Stat()
	if err != nil {
		im.fail(path, err)
		return
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		im.fail(path, err)
		return
	}
	for _, m := range zr.File {
		if m.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(m.Name), ".json") {
			continue
		}
		rc, err := m.Open()
		if err == nil {
			err = im.stream(bufio.NewReader(rc))
			rc.Close()
		}
		if err != nil {
			im.fail(path+"!"+m.Name, err)
		}
	}
}

// stream reads one (possibly gzip or xz compressed) file.
func (im *importer) stream(br *bufio.Reader) error {
	var r io.Reader = br
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		r = zr
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		xr, err := xz.NewReader(br)
		if err != nil {
			return err
		}
		r = xr
	}
	format, err := feed.Read(r, im.vp, feed.Handler{
		Record: func(rec *feed.Record) error {
			if err := im.ctx.Err(); err != nil {
				return err
			}
			im.recs = append(im.recs, rec)
			if len(im.recs) >= batch {
				return im.flush()
			}
			return nil
		},
		KEV: func(id string, k feed.KEV) error { im.kev[id] = k; return nil },
		EPSS: func(e feed.EPSS) error {
			im.epss = append(im.epss, e)
			if len(im.epss) >= 10*batch {
				return im.flush()
			}
			return nil
		},
	})
	if format != "" && !slices.Contains(im.formats, format) {
		im.formats = append(im.formats, format)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", format, err)
	}
	return nil
}

func (im *importer) flush() error {
	if len(im.recs) > 0 {
		n, err := im.s.PutRecords(im.ctx, im.recs)
		im.n.add(n)
		im.recs = im.recs[:0]
		if err != nil {
			return err
		}
	}
	if len(im.epss) > 0 {
		n, err := im.s.PutEPSS(im.ctx, im.epss)
		im.n.add(n)
		im.epss = im.epss[:0]
		if err != nil {
			return err
		}
	}
	return nil
}
