package ubi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// The newest copy of a LEB wins, unless it is a copy whose data CRC fails.
func TestNewerLEB(t *testing.T) {
	s, _, _, err := extract(t, UBI{}, readFile(t, "newer-leb.ubi"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(s.Content["kernel"])
	want := strings.TrimSpace(string(readFile(t, "newer-leb.sha256")))
	if hex.EncodeToString(sum[:]) != want || !bytes.HasPrefix(s.Content["kernel"], []byte("NEW!")) {
		t.Errorf("kernel blob %x, want %s", sum, want)
	}
}

func TestHostile(t *testing.T) {
	t.Run("lnum", func(t *testing.T) {
		s, _, _, err := extract(t, UBI{}, readFile(t, "evil-lnum.ubi"))
		if err != nil || s.Notes["ubi.bad_vid_headers"] != "1" || s.Entries["rootfs"] == nil {
			t.Errorf("err %v notes %v", err, s.Notes)
		}
	})
	t.Run("name", func(t *testing.T) {
		s, _, _, err := extract(t, UBI{}, readFile(t, "evil-name.ubi"))
		if err != nil || s.Entries[".._.._x"] == nil || len(s.Refused) != 0 {
			t.Errorf("err %v entries %v", err, s.List())
		}
	})
	t.Run("index-loop", func(t *testing.T) {
		s, _, _, err := extract(t, UBIFS{}, readFile(t, "evil-index-loop.ubifs"))
		if err != nil || s.Notes["ubifs.bad_nodes"] == "" {
			t.Errorf("err %v notes %v", err, s.Notes)
		}
	})
	t.Run("data-size", func(t *testing.T) {
		s, _, _, err := extract(t, UBIFS{}, readFile(t, "evil-data-size.ubifs"))
		var fe *extractors.FormatError
		if !errors.As(err, &fe) || s.Entries["etc/passwd"] == nil {
			t.Errorf("err %v", err)
		}
	})
}

// Every truncation of real images fails cleanly: Identify refuses, or
// Extract ends inside the input with at most a FormatError.
func TestTruncated(t *testing.T) {
	for _, tc := range []struct {
		h    extractors.Handler
		file string
	}{{UBI{}, "two-volumes.ubi"}, {UBIFS{}, "zlib.ubifs"}} {
		img := readFile(t, tc.file)
		for cut := 0; cut < len(img); cut += 1543 {
			r := bytes.NewReader(img[:cut])
			c, err := tc.h.Identify(r, 0, int64(cut))
			if err != nil {
				continue
			}
			s := sinktest.NewSink(false)
			end, err := tc.h.Extract(context.Background(), r, c, s)
			var fe *extractors.FormatError
			if end < 0 || end > int64(cut) || (err != nil && !errors.As(err, &fe)) {
				t.Fatalf("%s cut %d: end %d err %v", tc.file, cut, end, err)
			}
		}
	}
}
