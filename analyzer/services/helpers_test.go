package services

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// dirTree builds a Tree over a folder as if one filesystem chunk named
// layer had been extracted into it.
func dirTree(tb testing.TB, dir, layer string) *model.Tree {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	list, err := sinktest.ListDir(abs)
	if err != nil {
		tb.Fatal(err)
	}
	c := &engine.Chunk{Layer: layer, Kind: engine.KindKnown, Format: "dir", Dir: "."}
	for _, e := range list {
		en := &engine.Entry{Path: e.Path, Type: e.Type, Mode: strconv.FormatUint(uint64(e.Mode), 8), UID: e.UID, GID: e.GID, Size: e.Size, Target: e.Target}
		if e.SHA256 != "-" {
			en.SHA256 = e.SHA256
		}
		c.Entries = append(c.Entries, en)
	}
	return model.NewTree(&engine.Manifest{Version: engine.ManifestVersion, Chunks: []*engine.Chunk{c}}, abs)
}

func run(tb testing.TB, t *model.Tree, prior []model.Finding) (*Result, []model.Finding) {
	tb.Helper()
	res, fs, err := Run(context.Background(), t, prior)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := json.Marshal(res); err != nil {
		tb.Fatal(err)
	}
	return res, fs
}

func dump(tb testing.TB, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	os.Stdout.Write(b)
}
