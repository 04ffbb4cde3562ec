package sbom

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestDevDirs(t *testing.T) {
	dirs := os.Getenv("SBOM_DEV_DIRS")
	if dirs == "" {
		t.Skip()
	}
	tr := dirTree(t, strings.Fields(dirs)...)
	st := time.Now()
	comps, err := Build(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comps {
		ev := ""
		if len(c.Evidence) > 0 {
			ev = fmt.Sprintf("%s@%d (+%d)", c.Evidence[0].Path, c.Evidence[0].Offset, len(c.Evidence)-1)
		}
		fmt.Printf("%-28s %-30s %-8s %v %v %s\n", c.Name, c.Version, c.Confidence, c.Methods, c.CPEs, ev)
	}
	fmt.Println(len(comps), "components in", time.Since(st))
}
