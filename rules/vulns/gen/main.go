// Command gen rebuilds rules/vulns/baseline.json from rules/vulns/nvd/*.json
// and rules/vulns/eol.yaml. Run it from the module root:
//
//	go run ./rules/vulns/gen
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fwstar/fwstar/rules/vulns"
)

func main() {
	dir := filepath.Join("rules", "vulns")
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	out, err := vulns.Generate(os.DirFS(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	p := filepath.Join(dir, "baseline.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s (%d bytes)\n", p, len(out))
}
