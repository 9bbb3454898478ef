/* placeholder */
#include "ks-error.h"
