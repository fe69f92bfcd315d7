# Wine-only test shim: bcryptprimitives.ProcessPrng (used by Rust std >= 1.78) on top of advapi32.SystemFunction036.
    .intel_syntax noprefix
    .text
    .globl ProcessPrng
ProcessPrng:
    sub rsp, 40
    call [rip + __imp_SystemFunction036]
    mov eax, 1
    add rsp, 40
    ret
    .globl DllEntry
DllEntry:
    mov eax, 1
    ret
