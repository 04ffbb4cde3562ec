// Command fwstar unpacks firmware images, inventories what they hold, finds
// what is wrong with them and scores them against JC-STAR ★1.
package main

import (
	"os"
)

func main() {
	tuneGC()
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
