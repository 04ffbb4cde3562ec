//go:build !purego

package lzma

// decodeFast is the decode loop of run in assembly (fast_amd64.s): it
// decodes symbols while pos < lim and d.rc.ip <= safe, the coder, pos, state
// and reps read from d and written back, and returns fastMore, fastEOS or
// fastCorrupt. run gives it a lim that leaves room for the longest match
// and an 8-byte copy past it, so it needs no end checks of its own.
//
//go:noescape
func decodeFast(d *decoder, lim, safe int) int
