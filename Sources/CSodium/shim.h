// libsodium, as Swift sees it. Sizes come from libsodium's functions
// (crypto_box_sealbytes(), crypto_box_publickeybytes()), never from its macros, which do not import.
#ifndef PATROL_CSODIUM_SHIM_H
#define PATROL_CSODIUM_SHIM_H
#include <sodium.h>
#endif
