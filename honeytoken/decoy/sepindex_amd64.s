#include "textflag.h"

// SEPMASK sets dst to 0xff in each byte of src that is below 0x28, ',' or ';'
// and 0 elsewhere (src and tmp are clobbered). X1, X2 and X3 hold 0x27, ','
// and ';' in every byte. A byte b is below 0x28 exactly when min(b, 0x27) == b
// (unsigned).
#define SEPMASK(src, dst, tmp) \
	MOVOU src, dst; \
	PMINUB X1, dst; \
	PCMPEQB src, dst; \
	MOVOU src, tmp; \
	PCMPEQB X2, tmp; \
	PCMPEQB X3, src; \
	POR tmp, dst; \
	POR src, dst

// func sepIndex(s string) int
//
// The index of the first byte of s that is below 0x28, ',' or ';', or len(s),
// thirty-two bytes per step with SSE2 (every amd64 has it) while they last,
// then sixteen; the last block overlaps the one before.
TEXT ·sepIndex(SB), NOSPLIT, $0-24
	MOVQ s_base+0(FP), SI
	MOVQ s_len+8(FP), BX
	XORQ AX, AX
	MOVQ $0x2727272727272727, DX
	MOVQ DX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x2c2c2c2c2c2c2c2c, DX
	MOVQ DX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x3b3b3b3b3b3b3b3b, DX
	MOVQ DX, X3
	PUNPCKLQDQ X3, X3
	PCALIGN $32 // the loops' speed should not depend on where the linker puts them

loop32:
	// Both blocks' flags are ORed and tested once.
	LEAQ 32(AX), DX
	CMPQ DX, BX
	JA   loop16
	MOVOU (SI)(AX*1), X0
	MOVOU 16(SI)(AX*1), X6
	SEPMASK(X0, X4, X5)
	SEPMASK(X6, X7, X5)
	MOVOU X4, X5
	POR  X7, X5
	PMOVMSKB X5, R9
	TESTQ R9, R9
	JNZ  found32
	MOVQ DX, AX
	JMP  loop32

found32:
	PMOVMSKB X4, R9
	PMOVMSKB X7, R10
	SHLQ $16, R10
	ORQ  R10, R9
	BSFQ R9, R9
	ADDQ R9, AX
	MOVQ AX, ret+16(FP)
	RET

loop16:
	LEAQ 16(AX), DX
	CMPQ DX, BX
	JA   tail
	MOVOU (SI)(AX*1), X0
	SEPMASK(X0, X4, X5)
	PMOVMSKB X4, R9
	TESTQ R9, R9
	JNZ  found16
	MOVQ DX, AX
	JMP  loop16

found16:
	BSFQ R9, R9
	ADDQ R9, AX
	MOVQ AX, ret+16(FP)
	RET

tail:
	CMPQ AX, BX
	JAE  none
	CMPQ BX, $16
	JB   bytes
	// The last sixteen bytes, of which those before AX were read already.
	LEAQ -16(BX), DX
	MOVOU (SI)(DX*1), X0
	SEPMASK(X0, X4, X5)
	PMOVMSKB X4, R9
	MOVQ AX, CX
	SUBQ DX, CX
	SHRQ CX, R9
	SHLQ CX, R9
	TESTQ R9, R9
	JZ   none
	BSFQ R9, R9
	ADDQ DX, R9
	MOVQ R9, ret+16(FP)
	RET

bytes:
	MOVBLZX (SI)(AX*1), CX
	CMPB CX, $0x28
	JB   byte
	CMPB CX, $0x2c
	JEQ  byte
	CMPB CX, $0x3b
	JEQ  byte
	INCQ AX
	CMPQ AX, BX
	JB   bytes

none:
	MOVQ BX, ret+16(FP)
	RET

byte:
	MOVQ AX, ret+16(FP)
	RET
