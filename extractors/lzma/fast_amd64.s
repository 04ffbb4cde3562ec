//go:build !purego

#include "textflag.h"
#include "go_asm.h"

// decodeFast: run's decode loop, every symbol kind in one function; it
// returns only at lim, at safe, at the end marker or at an error. With the
// bit trees alone in assembly, called from Go's loop once per literal or
// distance, the calls' spills and Go's code for the bits that pick the kind
// of symbol took 40% of the decoder's samples. With the whole loop here the
// OpenWrt root's xz blocks decode 14% faster, 17% ahead of liblzma 5.4.1
// (BENCHMARKS.md, session 7). With both cores decoding, the decoder's
// speed follows its number of instructions more than their latency.
//
// Registers: R8 range, R9 code, R10 ip, R14 pos, R15 the decoder (d). The
// cold state (state, reps, props) stays in d or in the frame.

// NORM shifts in the next input byte, zero past the end, once the range is
// below 2^24.
#define NORM(past, done) \
	CMPL	R8, $0x1000000; \
	JAE	done; \
	SHLL	$8, R8; \
	SHLL	$8, R9; \
	CMPQ	R10, decoder_in+8(R15); \
	JAE	past; \
	MOVQ	decoder_in(R15), R11; \
	MOVBLZX	(R11)(R10*1), R11; \
	ORL	R11, R9; \
past: \
	INCQ	R10; \
done:

// BIT decodes one bit with the probability at addr and adapts it as bitMask
// does, without a branch. It leaves CX all ones for a 0 bit and 0 for a 1
// bit, and uses AX, R11 and R12.
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

// BRANCH decodes a bit with a branch, as rangeDec.bit does, for the bits
// that pick the kind of symbol and mostly go one way: it jumps to zero for a
// 0 bit and falls through for a 1, adapted and normalized either way. It
// uses AX, CX and R11; the other four are its own labels.
#define BRANCH(addr, zero, one, p0, d0, p1, d1) \
	MOVWLZX	addr, AX; \
	MOVL	R8, CX; \
	SHRL	$11, CX; \
	IMULL	AX, CX; \
	CMPL	R9, CX; \
	JAE	one; \
	MOVL	CX, R8; \
	MOVL	$2048, CX; \
	SUBL	AX, CX; \
	SHRL	$5, CX; \
	ADDL	CX, AX; \
	MOVW	AX, addr; \
	NORM(p0, d0); \
	JMP	zero; \
one: \
	SUBL	CX, R8; \
	SUBL	CX, R9; \
	MOVL	AX, CX; \
	SHRL	$5, CX; \
	SUBL	CX, AX; \
	MOVW	AX, addr; \
	NORM(p1, d1)

// TREE decodes a bit tree whose probabilities start at BX, from node DX
// until DX reaches lim, most significant bit first.
#define TREE(lim, loop, past, done) \
loop: \
	BIT((BX)(DX*2)); \
	LEAL	1(DX)(DX*1), DX; \
	ADDL	CX, DX; \
	NORM(past, done); \
	CMPL	DX, lim; \
	JB	loop

// CHECKDIST jumps to corrupt unless rep0, in AX, is within both the
// dictionary since its last reset and the window (the second cannot fail
// while the first holds; it keeps every read inside win regardless).
#define CHECKDIST \
	MOVQ	R14, CX; \
	SUBQ	decoder_base(R15), CX; \
	CMPQ	CX, decoder_dictSize(R15); \
	CMOVQGT	decoder_dictSize(R15), CX; \
	CMPQ	AX, CX; \
	JGE	corrupt; \
	CMPQ	AX, R14; \
	JGE	corrupt

// STATE sets d.state to a if it is below 7 (after a literal) and to b if not.
#define STATE(a, b) \
	MOVL	a, AX; \
	MOVL	b, CX; \
	CMPL	DX, $7; \
	CMOVLCC	CX, AX; \
	MOVL	AX, decoder_state(R15)

// func decodeFast(d *decoder, lim, safe int) int
TEXT ·decodeFast(SB), NOSPLIT, $32-32
	MOVQ	d+0(FP), R15
	// A literal's previous byte exists from max(base, 0) on (base < 0
	// after the window slid, when pos is never 0).
	MOVQ	decoder_base(R15), AX
	XORL	CX, CX
	CMPQ	AX, CX
	CMOVQLT	CX, AX
	MOVQ	AX, first-32(SP)
	MOVQ	decoder_props+Props_PB(R15), CX
	MOVL	$1, AX
	SHLL	CX, AX
	DECL	AX
	MOVL	AX, pbMask-4(SP)
	MOVQ	decoder_props+Props_LP(R15), CX
	MOVL	$1, AX
	SHLL	CX, AX
	DECL	AX
	MOVL	AX, lpMask-8(SP)
	MOVQ	decoder_props+Props_LC(R15), CX
	MOVL	CX, lc-12(SP)
	MOVL	$8, AX
	SUBL	CX, AX
	MOVL	AX, lcRest-16(SP)
	MOVL	decoder_rc+rangeDec_rng(R15), R8
	MOVL	decoder_rc+rangeDec_code(R15), R9
	MOVQ	decoder_rc+rangeDec_ip(R15), R10
	MOVQ	decoder_pos(R15), R14

loop:
	CMPQ	R14, lim+8(FP)
	JGE	more
	CMPQ	R10, safe+16(FP)
	JGT	more
	MOVQ	R14, DI
	SUBQ	decoder_base(R15), DI // n = pos-base, used as uint32
	MOVL	DI, SI
	ANDL	pbMask-4(SP), SI // posState
	MOVL	decoder_state(R15), DX
	MOVL	DX, BX
	SHLL	$4, BX
	ORL	SI, BX
	BRANCH(decoder_p+probs_isMatch(R15)(BX*2), literal, isMatch1, isMatchP0, isMatchD0, isMatchP1, isMatchD1)
	BRANCH(decoder_p+probs_isRep(R15)(DX*2), newMatch, isRep1, isRepP0, isRepD0, isRepP1, isRepD1)
	BRANCH(decoder_p+probs_isRepG0(R15)(DX*2), repG0, isRepG01, isRepG0P0, isRepG0D0, isRepG0P1, isRepG0D1)
	BRANCH(decoder_p+probs_isRepG1(R15)(DX*2), useRep1, isRepG11, isRepG1P0, isRepG1D0, isRepG1P1, isRepG1D1)
	BRANCH(decoder_p+probs_isRepG2(R15)(DX*2), useRep2, isRepG21, isRepG2P0, isRepG2D0, isRepG2P1, isRepG2D1)
	MOVL	$3, CX
	JMP	repShift

useRep2:
	MOVL	$2, CX
	JMP	repShift

useRep1:
	MOVL	$1, CX

repShift:
	// rep[CX] moves to the front, the reps before it back by one.
	MOVL	decoder_rep(R15)(CX*4), AX

repShiftLoop:
	MOVL	decoder_rep-4(R15)(CX*4), R11
	MOVL	R11, decoder_rep(R15)(CX*4)
	DECL	CX
	JNZ	repShiftLoop
	MOVL	AX, decoder_rep+0(R15)
	JMP	repLength

repG0:
	MOVL	DX, BX
	SHLL	$4, BX
	ORL	SI, BX
	BRANCH(decoder_p+probs_isRep0Long(R15)(BX*2), shortRep, isRep0Long1, isRep0LongP0, isRep0LongD0, isRep0LongP1, isRep0LongD1)

repLength:
	STATE($8, $11)
	LEAQ	decoder_p+probs_reps(R15), BX
	MOVL	$1, DI // a rep: no distance follows
	JMP	length

shortRep:
	// One byte from rep0.
	STATE($9, $11)
	MOVL	decoder_rep+0(R15), AX
	CHECKDIST
	MOVQ	decoder_win(R15), DI
	ADDQ	R14, DI
	MOVQ	DI, SI
	SUBQ	AX, SI
	MOVBLZX	-1(SI), CX
	MOVB	CX, (DI)
	INCQ	R14
	JMP	loop

newMatch:
	MOVL	decoder_rep+8(R15), AX
	MOVL	AX, decoder_rep+12(R15)
	MOVL	decoder_rep+4(R15), AX
	MOVL	AX, decoder_rep+8(R15)
	MOVL	decoder_rep+0(R15), AX
	MOVL	AX, decoder_rep+4(R15)
	STATE($7, $10)
	LEAQ	decoder_p+probs_lens(R15), BX
	XORL	DI, DI

length:
	// The length minus two from the length coder at BX (rangeDec.length):
	// SI becomes the base of the chosen tree and R13 its size.
	BRANCH(lenProbs_choice(BX), lenLow, choice1, choiceP0, choiceD0, choiceP1, choiceD1)
	BRANCH(lenProbs_choice2(BX), lenMid, choice21, choice2P0, choice2D0, choice2P1, choice2D1)
	ADDQ	$lenProbs_high, BX
	MOVL	$16, SI
	MOVL	$256, R13
	JMP	lenTree

lenMid:
	SHLL	$4, SI
	LEAQ	lenProbs_mid(BX)(SI*1), BX
	MOVL	$8, SI
	MOVL	$8, R13
	JMP	lenTree

lenLow:
	SHLL	$4, SI
	LEAQ	lenProbs_low(BX)(SI*1), BX
	XORL	SI, SI
	MOVL	$8, R13

lenTree:
	MOVL	$1, DX
	TREE(R13, lenLoop, lenPast, lenNext)
	SUBL	R13, DX
	ADDL	SI, DX
	MOVL	DX, length-20(SP)
	TESTL	DI, DI
	JNZ	copy

	// A new distance (rangeDec.distance, decodeDistance): the slot tree
	// for min(length, 3).
	CMPL	DX, $3
	JBE	slotTree
	MOVL	$3, DX

slotTree:
	SHLL	$7, DX
	LEAQ	decoder_p+probs_slot(R15)(DX*1), BX
	MOVL	$1, DX
	TREE($64, slotLoop, slotPast, slotNext)
	SUBL	$64, DX
	MOVL	DX, SI
	CMPL	DX, $4
	JB	distance

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
	LEAQ	decoder_p+probs_special(R15), BX
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
	NORM(directPast, directNext)
	DECL	CX
	JNZ	directLoop
	SHLL	$4, AX
	ADDL	AX, SI
	LEAQ	decoder_p+probs_align(R15), BX
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
	NORM(reversePast, reverseNext)
	CMPL	DX, DI
	JB	reverseLoop

distance:
	MOVL	SI, decoder_rep+0(R15)
	CMPL	SI, $-1
	JEQ	eos

copy:
	// length+2 bytes from rep0+1 back: eight at a time when they do not
	// overlap within eight (the margin in lim allows the overshoot), else
	// one at a time as LZ77 overlap wants.
	MOVL	decoder_rep+0(R15), AX
	CHECKDIST
	MOVL	length-20(SP), CX
	ADDL	$2, CX
	MOVQ	decoder_win(R15), DI
	ADDQ	R14, DI
	MOVQ	DI, SI
	SUBQ	AX, SI
	DECQ	SI
	ADDQ	CX, R14
	CMPL	AX, $7
	JB	copyBytes

copyWords:
	MOVQ	(SI), R11
	MOVQ	R11, (DI)
	ADDQ	$8, SI
	ADDQ	$8, DI
	SUBL	$8, CX
	JGT	copyWords
	JMP	loop

copyBytes:
	MOVBLZX	(SI), R11
	MOVB	R11, (DI)
	INCQ	SI
	INCQ	DI
	DECL	CX
	JNZ	copyBytes
	JMP	loop

literal:
	// The probabilities of the literal's context: n&lpMask and the top lc
	// bits of the previous byte (none at the dictionary's start).
	XORL	AX, AX
	CMPQ	R14, first-32(SP)
	JLE	noPrev
	MOVQ	decoder_win(R15), AX
	MOVBLZX	-1(AX)(R14*1), AX

noPrev:
	MOVL	lcRest-16(SP), CX
	SHRL	CX, AX
	ANDL	lpMask-8(SP), DI
	MOVL	lc-12(SP), CX
	SHLL	CX, DI
	ADDL	AX, DI
	LEAL	(DI)(DI*2), DI
	SHLL	$9, DI // 0x300 probabilities of 2 bytes
	MOVQ	decoder_lit(R15), BX
	ADDQ	DI, BX
	MOVL	$1, DX
	CMPL	decoder_state(R15), $7
	JAE	matched
	TREE($0x100, literalLoop, literalPast, literalNext)
	JMP	literalDone

matched:
	// After a match: the bits of the byte at rep0 steer the probabilities
	// (decodeMatched).
	MOVL	decoder_rep+0(R15), AX
	MOVQ	R14, SI
	SUBQ	AX, SI
	DECQ	SI
	JLT	corrupt
	MOVQ	decoder_win(R15), DI
	MOVBLZX	(DI)(SI*1), DI
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
	NORM(matchedPast, matchedNext)
	CMPL	DX, $0x100
	JB	matchedLoop

literalDone:
	MOVQ	decoder_win(R15), AX
	MOVB	DX, (AX)(R14*1)
	INCQ	R14
	// The state after a literal (afterLiteral): 0 below 4, minus 3 below
	// 10, else minus 6.
	MOVL	decoder_state(R15), AX
	XORL	CX, CX
	LEAL	-3(AX), R11
	CMPL	AX, $4
	CMOVLCC	R11, CX
	LEAL	-6(AX), R11
	CMPL	AX, $10
	CMOVLCC	R11, CX
	MOVL	CX, decoder_state(R15)
	JMP	loop

more:
	MOVQ	$const_fastMore, AX
	JMP	out

eos:
	MOVQ	$const_fastEOS, AX
	JMP	out

corrupt:
	MOVQ	$const_fastCorrupt, AX

out:
	MOVL	R8, decoder_rc+rangeDec_rng(R15)
	MOVL	R9, decoder_rc+rangeDec_code(R15)
	MOVQ	R10, decoder_rc+rangeDec_ip(R15)
	MOVQ	R14, decoder_pos(R15)
	MOVQ	AX, ret+24(FP)
	RET
