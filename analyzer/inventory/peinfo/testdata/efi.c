/* A minimal UEFI entry point, built as gnu-efi does: an ELF shared object
   converted to PE32+ with objcopy's efi-* targets. */
void *ImageHandle;
long efi_main(void *h, void *st) { ImageHandle = h; return 0; }
