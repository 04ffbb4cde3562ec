//go:build !purego

#include "textflag.h"

// func nextKeyed(w []byte, i int, f *keyFilter, keyed *[1 << 16]uint8) int
//
// For each 16 positions from i on (while the next byte of the last one is
// in w): the keyFilter's verdict with eight PSHUFBs, then, for each position
// that passes, the exact table. It returns the first keyed position, or
// the first position it did not look at. It keeps to 128-bit registers:
// with 256-bit ones each call cost about 100 ns more on the machine
// measured (the switch between AVX and SSE states), which the calls for
// nearby magics in plain files pay many times.
TEXT ·nextKeyed(SB), NOSPLIT, $0-56
	MOVQ	w_base+0(FP), SI
	MOVQ	w_len+8(FP), DX
	MOVQ	i+24(FP), AX
	MOVQ	f+32(FP), BX
	MOVQ	keyed+40(FP), DI
	SUBQ	$16, DX // blocks start below len(w)-16
	VMOVDQU	0(BX), X4 // buckets 0-7: loA, hiA, loB, hiB
	VMOVDQU	16(BX), X5
	VMOVDQU	32(BX), X6
	VMOVDQU	48(BX), X7
	VMOVDQU	64(BX), X8 // buckets 8-15
	VMOVDQU	80(BX), X9
	VMOVDQU	96(BX), X10
	VMOVDQU	112(BX), X11
	MOVL	$0x0F0F0F0F, CX
	MOVD	CX, X12
	VPBROADCASTD	X12, X12
	VPXOR	X13, X13, X13

block:
	CMPQ	AX, DX
	JGE	done
	// X0, X1: low and high nibbles of the first bytes; X2, X3: of the second.
	VMOVDQU	(SI)(AX*1), X0
	VMOVDQU	1(SI)(AX*1), X2
	VPSRLW	$4, X0, X1
	VPSRLW	$4, X2, X3
	VPAND	X12, X0, X0
	VPAND	X12, X1, X1
	VPAND	X12, X2, X2
	VPAND	X12, X3, X3
	VPSHUFB	X0, X4, X14
	VPSHUFB	X1, X5, X15
	VPAND	X14, X15, X14
	VPSHUFB	X2, X6, X15
	VPAND	X14, X15, X14
	VPSHUFB	X3, X7, X15
	VPAND	X14, X15, X14
	VPSHUFB	X0, X8, X0
	VPSHUFB	X1, X9, X1
	VPAND	X0, X1, X0
	VPSHUFB	X2, X10, X2
	VPAND	X0, X2, X0
	VPSHUFB	X3, X11, X3
	VPAND	X0, X3, X0
	// A byte of 0xFF where neither half passes.
	VPCMPEQB	X13, X14, X14
	VPCMPEQB	X13, X0, X0
	VPAND	X0, X14, X0
	VPMOVMSKB	X0, CX
	XORL	$0xFFFF, CX
	TESTL	CX, CX
	JNZ	check

next:
	ADDQ	$16, AX
	JMP	block

check:
	// The passing positions, lowest first, against the exact table.
	TZCNTL	CX, R8
	LEAQ	(AX)(R8*1), R9
	MOVWLZX	(SI)(R9*1), R10
	CMPB	(DI)(R10*1), $0
	JNE	found
	BLSRL	CX, CX
	JNZ	check
	JMP	next

found:
	MOVQ	R9, AX

done:
	MOVQ	AX, ret+48(FP)
	RET
