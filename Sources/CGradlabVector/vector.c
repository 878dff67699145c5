// The functions are static inline in include/gradlab_vector.h.
#include "gradlab_vector.h"
