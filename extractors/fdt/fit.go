package fdt

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"sort"
	"strings"
)

// fitImage is one node of a FIT's /images (U-Boot doc/uImage.FIT/source_file_format.txt).
type fitImage struct {
	Name                       string
	Description                string
	Type, Arch, OS, Comp       string
	Off, Len                   int64 // the data, relative to the FDT start
	Hashes                     []fitHash
	external, position, inline bool
	Bad                        string // why the data cannot be carved
}

type fitHash struct {
	Algo  string
	Value []byte
}

type fitSig struct {
	Where, Algo, KeyHint, Padding string
	Signed                        bool // has a value: mkimage -k ran
}

// fit is what a FIT says about itself.
type fit struct {
	Description string
	Images      []fitImage
	Default     string
	Configs     []string
	Signatures  []fitSig // configuration and image signatures together
	End         int64    // past the last byte of external data, relative to the FDT start
}

// maxFITImages bounds the images listed; real FITs have a few to a few dozen.
const maxFITImages = 1024

// parseFIT reads /images and /configurations of a tree whose FDT has total
// bytes; data outside [0, avail) of the blob is an error on that image.
func parseFIT(root *Node, total, avail int64) (*fit, error) {
	images := root.Child("images")
	if images == nil {
		return nil, nil
	}
	f := &fit{Description: root.String("description"), End: total}
	// External data (mkimage -E) follows the FDT, 4-byte aligned.
	extBase := (total + 3) &^ 3
	for _, n := range images.Children {
		if len(f.Images) >= maxFITImages {
			return f, fmt.Errorf("more than %d images", maxFITImages)
		}
		im := fitImage{Name: n.Name, Description: n.String("description"), Type: n.String("type"),
			Arch: n.String("arch"), OS: n.String("os"), Comp: n.String("compression")}
		if p := n.Prop("data"); p != nil {
			im.Off, im.Len, im.inline = p.Off, p.Len, true
		} else if sz, ok := n.U32("data-size"); ok {
			im.Len = int64(sz)
			if pos, ok := n.U32("data-position"); ok {
				im.Off, im.position = int64(pos), true
			} else if off, ok := n.U32("data-offset"); ok {
				im.Off, im.external = extBase+int64(off), true
			}
		}
		switch {
		case !im.inline && !im.external && !im.position:
			im.Bad = "no data"
		case im.Off+im.Len > avail:
			im.Bad = fmt.Sprintf("data 0x%X+0x%X past the end", im.Off, im.Len)
		case !im.inline && im.Off < total:
			// Data outside the tree that points back into it would make
			// the FIT its own payload, rescanned without end.
			im.Bad = fmt.Sprintf("data at 0x%X inside the tree", im.Off)
		case !im.inline:
			f.End = max(f.End, im.Off+im.Len)
		}
		for _, c := range n.Children {
			switch {
			case strings.HasPrefix(c.Name, "hash"):
				v := c.Prop("value")
				if v != nil && v.Value != nil {
					im.Hashes = append(im.Hashes, fitHash{Algo: c.String("algo"), Value: v.Value})
				}
			case strings.HasPrefix(c.Name, "signature"):
				f.Signatures = append(f.Signatures, sigOf(c, "images/"+n.Name))
			}
		}
		f.Images = append(f.Images, im)
	}
	if conf := root.Child("configurations"); conf != nil {
		f.Default = conf.String("default")
		for _, c := range conf.Children {
			f.Configs = append(f.Configs, c.Name)
			for _, s := range c.Children {
				if strings.HasPrefix(s.Name, "signature") {
					f.Signatures = append(f.Signatures, sigOf(s, "configurations/"+c.Name))
				}
			}
		}
	}
	// mkimage pads each external image to 4 bytes.
	if f.End > total {
		f.End = min((f.End+3)&^3, avail)
	}
	return f, nil
}

func sigOf(n *Node, where string) fitSig {
	v := n.Prop("value")
	return fitSig{Where: where, Algo: n.String("algo"), KeyHint: n.String("key-name-hint"), Padding: n.String("padding"),
		Signed: v != nil && v.Len > 0}
}

// hasher returns a hash for a FIT "algo" name, or nil for unknown ones.
func hasher(algo string) hash.Hash {
	switch algo {
	case "crc32":
		return crc32.NewIEEE()
	case "md5":
		return md5.New()
	case "sha1":
		return sha1.New()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// sumMatches compares a computed hash with a FIT hash value; crc32 values are
// one big-endian cell.
func sumMatches(h hash.Hash, value []byte) bool {
	if c, ok := h.(hash.Hash32); ok && len(value) == 4 {
		return c.Sum32() == binary.BigEndian.Uint32(value)
	}
	return string(h.Sum(nil)) == string(value)
}

// signedNotes are the notes the analyzer reads as update-integrity evidence.
func (f *fit) signedNotes() map[string]string {
	m := map[string]string{"fit.signed": "no"}
	if len(f.Signatures) == 0 {
		return m
	}
	m["fit.signature.state"] = "nodes without a value"
	for _, s := range f.Signatures {
		if s.Signed {
			m["fit.signed"] = "yes"
			m["fit.signature.state"] = "signed"
		}
	}
	set := func(key string, get func(fitSig) string) {
		seen := map[string]bool{}
		var vals []string
		for _, s := range f.Signatures {
			if v := get(s); v != "" && !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
		sort.Strings(vals)
		if len(vals) > 0 {
			m[key] = strings.Join(vals, ",")
		}
	}
	set("fit.signature.algo", func(s fitSig) string { return s.Algo })
	set("fit.signature.key-name-hint", func(s fitSig) string { return s.KeyHint })
	set("fit.signature.padding", func(s fitSig) string { return s.Padding })
	set("fit.signature.nodes", func(s fitSig) string { return s.Where })
	return m
}
