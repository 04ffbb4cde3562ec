//go:build !amd64 || purego

package engine

// bulk leaves every position to next's Go loop where there is no assembly
// (see keyed_amd64.go).
func (s *signatures) bulk(w []byte, i int) int { return i }
