package jffs2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, tree, endian string
		end                int64 // 0: the file's size
	}{
		{file: "le.zlib.jffs2", tree: "tree.tree", endian: "LittleEndian"},
		{file: "be.zlib.jffs2", tree: "tree.tree", endian: "BigEndian"},
		{file: "le.lzo.jffs2", tree: "tree.tree", endian: "LittleEndian"},
		{file: "be.rtime.jffs2", tree: "tree.tree", endian: "BigEndian"},
		{file: "le.none.padded.jffs2", tree: "tree.tree", endian: "LittleEndian"},
		{file: "be.lzo.e8k.nocm.jffs2", tree: "tree.tree", endian: "BigEndian"},
		{file: "le.appended.jffs2", tree: "appended.tree", endian: "LittleEndian"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join("testdata", tc.file)
			s, c, end, err := sinktest.ExtractFile(t, Handler{}, p, true)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.Attrs["jffs2.endian"] != tc.endian {
				t.Errorf("endian %q, want %q", c.Attrs["jffs2.endian"], tc.endian)
			}
			fi, _ := os.Stat(p)
			if want := max(tc.end, fi.Size()); end != want {
				t.Errorf("end %d, want %d", end, want)
			}
			want, err := sinktest.ReadTree(filepath.Join("testdata", tc.tree))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range (sinktest.Compare{Hardlinks: true}).Diff(s.List(), want) {
				t.Error(d)
			}
			if s.Notes["jffs2.bad_nodes"] != "" {
				t.Errorf("bad nodes: %s", s.Notes["jffs2.bad_nodes"])
			}
		})
	}
}
