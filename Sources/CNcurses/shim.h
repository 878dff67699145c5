#ifndef GRADLAB_CNCURSES_SHIM_H
#define GRADLAB_CNCURSES_SHIM_H
// The wide-character API (cchar_t, setcchar, mvadd_wch) is declared only when
// NCURSES_WIDECHAR is 1; define it before including ncurses.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

// Swift 6 rejects C globals as shared mutable state and cannot import
// macros with casts: expose what gradlab needs through accessors.
static inline WINDOW *gl_stdscr(void) { return stdscr; }
static inline int gl_cols(void) { return COLS; }
static inline int gl_lines(void) { return LINES; }
static inline int gl_colors(void) { return COLORS; }
static inline int gl_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t gl_a_bold(void) { return A_BOLD; }
static inline attr_t gl_a_reverse(void) { return A_REVERSE; }
static inline attr_t gl_a_underline(void) { return A_UNDERLINE; }
static inline attr_t gl_a_dim(void) { return A_DIM; }
static inline attr_t gl_a_normal(void) { return A_NORMAL; }
static inline int gl_key_resize(void) { return KEY_RESIZE; }
static inline int gl_key_up(void) { return KEY_UP; }
static inline int gl_key_down(void) { return KEY_DOWN; }
static inline int gl_key_left(void) { return KEY_LEFT; }
static inline int gl_key_right(void) { return KEY_RIGHT; }
static inline int gl_key_enter(void) { return KEY_ENTER; }
static inline int gl_key_btab(void) { return KEY_BTAB; }
static inline int gl_key_home(void) { return KEY_HOME; }
static inline int gl_key_end(void) { return KEY_END; }
static inline int gl_key_ppage(void) { return KEY_PPAGE; }
static inline int gl_key_npage(void) { return KEY_NPAGE; }
static inline int gl_err(void) { return ERR; }
#endif
