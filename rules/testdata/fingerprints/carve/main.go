// Command carve cuts the bytes around a fingerprint's match out of a real
// binary into a snippet file, headed by where they came from:
//
//	carve -o DIR [-p PATTERN-INDEX] ID VERSION ARCH ORIGIN FILE
//
// writes DIR/ID/VERSION-ARCH.snippet (VERSION "unversioned" for a
// presence-only pattern). With -at TEXT it cuts a counterexample instead: the
// bytes around the first TEXT in FILE, which no pattern of ID may match
// (VERSION then labels what the bytes are). The first line of a snippet is
//
//	# fwstar-snippet origin=ORIGIN sha256=<of FILE> offset=<n> length=<n>
//
// and the rest is FILE's bytes [offset, offset+length). gen.sh runs it.
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/fwstar/fwstar/rules/fingerprints"
)

// margin is the context kept on both sides of the keyword and version.
const margin = 48

func main() {
	out := flag.String("o", ".", "output folder")
	only := flag.Int("p", -1, "use only the pattern of this index")
	at := flag.String("at", "", "cut a counterexample around this text")
	flag.Parse()
	if flag.NArg() != 5 {
		log.Fatal("usage: carve -o DIR [-p INDEX | -at TEXT] ID VERSION ARCH ORIGIN FILE")
	}
	id, want, arch, origin, file := flag.Arg(0), flag.Arg(1), flag.Arg(2), flag.Arg(3), flag.Arg(4)
	fps, err := fingerprints.Load()
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	for _, fp := range fps {
		if fp.ID != id {
			continue
		}
		if *at != "" {
			i := bytes.Index(b, []byte(*at))
			if i < 0 {
				log.Fatalf("%s: no %q", file, *at)
			}
			lo, hi := max(0, i-2*margin)&^1, min(len(b), i+len(*at)+2*margin)
			for j := range fp.Strings {
				if v, _, _, ok := fp.Strings[j].Find(b[lo:hi]); ok {
					log.Fatalf("%s: pattern %d of %s finds %q around %q", file, j, id, v, *at)
				}
			}
			write(*out, id, want, arch, origin, b, lo, hi)
			return
		}
		for i := range fp.Strings {
			if *only >= 0 && i != *only {
				continue
			}
			p := &fp.Strings[i]
			v, kw, ver, ok := p.Find(b)
			if !ok || (v != want && !(v == "" && want == "unversioned")) {
				continue
			}
			lo, hi := min(kw[0], ver[0]), max(kw[1], ver[1])
			if v == "" {
				lo, hi = kw[0], kw[1]
			}
			lo, hi = max(0, lo-margin)&^1, min(len(b), hi+margin)
			// Widen until the snippet alone gives the version: a regex may
			// need context past the version ("Linux version ... #").
			for hi < len(b) {
				if v2, _, _, ok := p.Find(b[lo:hi]); ok && v2 == v {
					break
				}
				hi = min(len(b), hi+16)
			}
			write(*out, id, want, arch, origin, b, lo, hi)
			return
		}
		log.Fatalf("%s: no pattern of %s gives version %s", file, id, want)
	}
	log.Fatalf("no fingerprint %q", id)
}

// write stores b[lo:hi] as DIR/ID/LABEL-ARCH.snippet under its header.
func write(out, id, label, arch, origin string, b []byte, lo, hi int) {
	sum := sha256.Sum256(b)
	dir := filepath.Join(out, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	name := filepath.Join(dir, label+"-"+arch+".snippet")
	head := fmt.Sprintf("# fwstar-snippet origin=%s sha256=%x offset=%d length=%d\n", origin, sum, lo, hi-lo)
	if err := os.WriteFile(name, append([]byte(head), b[lo:hi]...), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println(name)
}
