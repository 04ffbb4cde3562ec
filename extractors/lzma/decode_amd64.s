//go:build !purego

#include "textflag.h"

// The literal and distance loops of the LZMA decoder (decode_other.go has
// them in Go). With both cores decoding, the number of instructions is what
// limits the speed on the machines measured: Go compiled a literal bit to
// about 30, here it takes 21, CMOVs picking the new range and code. The
// OpenWrt root's xz blocks decoded 8% faster, 4% ahead of liblzma, and its
// extract took 5% less CPU (BENCHMARKS.md, session 6).

// The range decoder's state lives in R8 (range), R9 (code) and R10 (ip).
// BIT decodes one bit with the probability at addr and adapts it as bitMask
// does. It leaves CX all ones for a 0 bit (code < bound) and 0 for a 1 bit,
// and uses AX, R11 and R12.
#define BIT(addr) \
	MOVWLZX	addr, AX; \
	MOVL	R8, CX; \
	SHRL	$11, CX; \
	IMULL	AX, CX; \
	MOVL	R8, R11; \
	SUBL	CX, R11; \
	MOVL	R9, R12; \
	SUBL	CX, R12; \
	CMPL	R9, CX; \
	CMOVLCS	CX, R11; \
	CMOVLCS	R9, R12; \
	SBBL	CX, CX; \
	MOVL	R11, R8; \
	MOVL	R12, R9; \
	MOVL	CX, R11; \
	ANDL	$2017, R11; \
	MOVL	AX, R12; \
	SUBL	R11, R12; \
	SARL	$5, R12; \
	SUBL	R12, AX; \
	MOVW	AX, addr

// NORM shifts in the next input byte, zero past the end, once the range is
// below 2^24; base and n are the input's start and length.
#define NORM(base, n, past, done) \
	CMPL	R8, $0x1000000; \
	JAE	done; \
	SHLL	$8, R8; \
	SHLL	$8, R9; \
	CMPQ	R10, n; \
	JAE	past; \
	MOVQ	base, R11; \
	MOVBLZX	(R11)(R10*1), R11; \
	ORL	R11, R9; \
past: \
	INCQ	R10; \
done:

// func decodeLiteral(rng, code uint32, ip int, in []byte, p *[0x300]uint16) (uint32, uint32, int, uint32)
TEXT ·decodeLiteral(SB), NOSPLIT, $0-68
	MOVL	rng+0(FP), R8
	MOVL	code+4(FP), R9
	MOVQ	ip+8(FP), R10
	MOVQ	in_len+24(FP), R13
	MOVQ	p+40(FP), BX
	MOVL	$1, DX

literalLoop:
	BIT((BX)(DX*2))
	LEAL	1(DX)(DX*1), DX
	ADDL	CX, DX
	NORM(in_base+16(FP), R13, literalPast, literalNext)
	CMPL	DX, $0x100
	JB	literalLoop
	MOVL	R8, ret+48(FP)
	MOVL	R9, ret1+52(FP)
	MOVQ	R10, ret2+56(FP)
	MOVL	DX, ret3+64(FP)
	RET

// func decodeMatched(rng, code uint32, ip int, in []byte, p *[0x300]uint16, match uint32) (uint32, uint32, int, uint32)
TEXT ·decodeMatched(SB), NOSPLIT, $0-76
	MOVL	rng+0(FP), R8
	MOVL	code+4(FP), R9
	MOVQ	ip+8(FP), R10
	MOVQ	p+40(FP), BX
	MOVL	match+48(FP), DI
	MOVL	$1, DX
	MOVL	$0x100, R13

matchedLoop:
	// The bit's probability is p[off+mb+sym], mb the match bit in place.
	SHLL	$1, DI
	MOVL	DI, SI
	ANDL	R13, SI
	ADDL	R13, SI
	ADDL	DX, SI
	BIT((BX)(SI*2))
	MOVL	DI, SI
	ANDL	R13, SI
	LEAL	1(DX)(DX*1), DX
	ADDL	CX, DX
	// Keep off only while the bits equal the match bits.
	XORL	CX, SI
	ANDL	SI, R13
	NORM(in_base+16(FP), in_len+24(FP), matchedPast, matchedNext)
	CMPL	DX, $0x100
	JB	matchedLoop
	MOVL	R8, ret+56(FP)
	MOVL	R9, ret1+60(FP)
	MOVQ	R10, ret2+64(FP)
	MOVL	DX, ret3+72(FP)
	RET

// func decodeDistance(rng, code uint32, ip int, in []byte, slot *[64]uint16, special *[115]uint16, align *[16]uint16) (uint32, uint32, int, uint32)
TEXT ·decodeDistance(SB), NOSPLIT, $0-84
	MOVL	rng+0(FP), R8
	MOVL	code+4(FP), R9
	MOVQ	ip+8(FP), R10
	MOVQ	slot+40(FP), BX
	MOVL	$1, DX

slotLoop:
	BIT((BX)(DX*2))
	LEAL	1(DX)(DX*1), DX
	ADDL	CX, DX
	NORM(in_base+16(FP), in_len+24(FP), slotPast, slotNext)
	CMPL	DX, $64
	JB	slotLoop
	SUBL	$64, DX
	MOVL	DX, SI
	CMPL	DX, $4
	JB	distanceDone

	// n = slot>>1 - 1 low bits under (2 | slot&1) << n.
	MOVL	DX, CX
	SHRL	$1, CX
	DECL	CX
	ANDL	$1, SI
	ORL	$2, SI
	SHLL	CX, SI
	MOVL	$1, DI
	SHLL	CX, DI
	CMPL	DX, $14
	JAE	directBits

	// All n from the reverse tree at special[dist-slot:].
	MOVQ	special+48(FP), BX
	MOVL	SI, AX
	SUBL	DX, AX
	LEAQ	(BX)(AX*2), BX
	JMP	reverse

directBits:
	// n-4 direct bits, then the 4 align bits from their reverse tree.
	SUBL	$4, CX
	XORL	AX, AX

directLoop:
	SHRL	$1, R8
	SUBL	R8, R9
	MOVL	R9, R12
	SARL	$31, R12
	MOVL	R8, R11
	ANDL	R12, R11
	ADDL	R11, R9
	LEAL	1(AX)(AX*1), AX
	ADDL	R12, AX
	NORM(in_base+16(FP), in_len+24(FP), directPast, directNext)
	DECL	CX
	JNZ	directLoop
	SHLL	$4, AX
	ADDL	AX, SI
	MOVQ	align+56(FP), BX
	MOVL	$16, DI

reverse:
	// The tree's bits come least significant first: R13 is the next one's
	// place in dist.
	MOVL	$1, DX
	MOVL	$1, R13

reverseLoop:
	BIT((BX)(DX*2))
	LEAL	1(DX)(DX*1), DX
	ADDL	CX, DX
	NOTL	CX
	ANDL	R13, CX
	ORL	CX, SI
	SHLL	$1, R13
	NORM(in_base+16(FP), in_len+24(FP), reversePast, reverseNext)
	CMPL	DX, DI
	JB	reverseLoop

distanceDone:
	MOVL	R8, ret+64(FP)
	MOVL	R9, ret1+68(FP)
	MOVQ	R10, ret2+72(FP)
	MOVL	SI, ret3+80(FP)
	RET
