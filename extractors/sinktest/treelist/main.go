// Command treelist prints a folder in the .tree format, for fixtures' expected
// contents: run it on what the reference tool extracted (unsquashfs, cpio -i).
package main

import (
	"fmt"
	"os"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: treelist DIR > FIXTURE.tree")
		os.Exit(2)
	}
	es, err := sinktest.ListDir(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, e := range es {
		fmt.Println(e.String())
	}
}
