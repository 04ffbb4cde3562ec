package sinktest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/fwstar/fwstar/extractors"
)

// ListDir lists a folder extracted by a reference tool (unsquashfs, cpio -i,
// tar -x) in the tree format. Hard links are listed as files.
func ListDir(root string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := Entry{Path: filepath.ToSlash(rel), Mode: extractors.UnixPerm(fi.Mode()), SHA256: "-"}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = int64(st.Uid), int64(st.Gid)
		}
		m := fi.Mode()
		switch {
		case m.IsDir():
			e.Type = "dir"
		case m&fs.ModeSymlink != 0:
			e.Type, e.Mode = "symlink", 0o777
			e.Target, _ = os.Readlink(p)
		case m.IsRegular():
			e.Type, e.Size = "file", fi.Size()
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			e.SHA256 = hex.EncodeToString(h.Sum(nil))
		case m&fs.ModeCharDevice != 0:
			e.Type = "char"
		case m&fs.ModeDevice != 0:
			e.Type = "block"
		case m&fs.ModeNamedPipe != 0:
			e.Type = "fifo"
		case m&fs.ModeSocket != 0:
			e.Type = "socket"
		}
		out = append(out, e)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}
