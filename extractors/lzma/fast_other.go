//go:build !amd64 || purego

package lzma

// decodeFast leaves every symbol to run's Go loop where there is no
// assembly loop (see fast_amd64.go).
func decodeFast(d *decoder, lim, safe int) int { return fastMore }
