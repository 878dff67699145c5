#ifndef GRADLAB_CNCURSES_SHIM_H
#define GRADLAB_CNCURSES_SHIM_H
// The wide-character API (cchar_t, setcchar, mvadd_wch) is declared only when
// NCURSES_WIDECHAR is 1; define it before including ncurses.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

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
static inline int gl_key_code_yes(void) { return KEY_CODE_YES; }
static inline int gl_key_f0(void) { return KEY_F0; }
static inline int gl_key_backspace(void) { return KEY_BACKSPACE; }
static inline int gl_key_dc(void) { return KEY_DC; }
static inline int gl_ok(void) { return OK; }
static inline FILE *gl_stdout(void) { return stdout; }
static inline FILE *gl_stdin(void) { return stdin; }

// Mouse input (the input side; see TerminalBackend.swift).
static inline int gl_key_mouse(void) { return KEY_MOUSE; }

// Turns mouse reports on (every button, the wheel, motion for drags) or off.
// mouseinterval(0): presses and releases arrive as they happen, never held
// back to be merged into clicks.
static inline void gl_mouse_reporting(int on) {
    mouseinterval(0);
    mousemask(on ? (ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION) : 0, NULL);
}

// Bracketed paste: the terminal wraps pasted text in ESC[200~ ... ESC[201~;
// ncurses learns the two as keys (codes past KEY_MAX), so a paste reads as
// one event instead of keys that would each do something.
static inline int gl_key_paste_start(void) { return KEY_MAX + 1; }
static inline int gl_key_paste_end(void) { return KEY_MAX + 2; }
static inline void gl_bracketed_paste(int on) {
    if (on) {
        define_key("\033[200~", KEY_MAX + 1);
        define_key("\033[201~", KEY_MAX + 2);
    }
    fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
    fflush(stdout);
}

// Reads the pending mouse report. button: 1 left, 2 middle, 3 right,
// 4 wheel up, 5 wheel down, 0 none (motion); kind: 0 press, 1 release,
// 2 motion. Returns 0, or -1 when there is none.
static inline int gl_read_mouse(int *x, int *y, int *button, int *kind, int *shift, int *control) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    mmask_t b = event.bstate;
    *x = event.x;
    *y = event.y;
    *shift = (b & BUTTON_SHIFT) != 0;
    *control = (b & BUTTON_CTRL) != 0;
    *button = 0;
    *kind = 2;
    if (b & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED)) { *button = 1; *kind = 0; }
    else if (b & BUTTON1_RELEASED) { *button = 1; *kind = 1; }
    else if (b & (BUTTON2_PRESSED | BUTTON2_CLICKED | BUTTON2_DOUBLE_CLICKED | BUTTON2_TRIPLE_CLICKED)) { *button = 2; *kind = 0; }
    else if (b & BUTTON2_RELEASED) { *button = 2; *kind = 1; }
    else if (b & (BUTTON3_PRESSED | BUTTON3_CLICKED | BUTTON3_DOUBLE_CLICKED | BUTTON3_TRIPLE_CLICKED)) { *button = 3; *kind = 0; }
    else if (b & BUTTON3_RELEASED) { *button = 3; *kind = 1; }
    else if (b & BUTTON4_PRESSED) { *button = 4; *kind = 0; }
#if NCURSES_MOUSE_VERSION > 1
    else if (b & BUTTON5_PRESSED) { *button = 5; *kind = 0; }
#endif
    return 0;
}

// Whether the active LC_CTYPE encodes text as UTF-8 (call after setlocale).
// With a non-UTF-8 locale ncurses draws braille and box drawing as blanks.
static inline int gl_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

// Writes a run of cells at (y, x) without moving the cursor: one cchar_t per
// cell carrying one code point, its attributes and an extended colour pair
// (passed through setcchar's opts, an ncurses 6.1 extension). Building the
// cchar_t here keeps the struct layout out of Swift, and mvadd_wchnstr copies
// straight into the window, far cheaper than one mvadd_wch per cell.
static inline int gl_put_run(int y, int x, const unsigned *codepoints, const attr_t *attrs,
                             const int *pairs, int count) {
    cchar_t cells[128];
    int done = 0;
    while (done < count) {
        int chunk = count - done > 128 ? 128 : count - done;
        for (int i = 0; i < chunk; i++) {
            wchar_t text[2] = { (wchar_t)codepoints[done + i], 0 };
            int pair = pairs[done + i];
            setcchar(&cells[i], text, attrs[done + i], 0, &pair);
        }
        if (mvadd_wchnstr(y, x + done, cells, chunk) == ERR) return ERR;
        done += chunk;
    }
    return OK;
}

// For atexit: leave curses mode if a screen is still active.
static inline void gl_endwin_if_active(void) {
    if (!isendwin()) endwin();
}
#endif
