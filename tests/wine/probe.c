/* SPDX-License-Identifier: MIT
 * The Windows probe the Wine tests run from a generated .cmd (built with x86_64-w64-mingw32-gcc -municode).
 * It writes <PROBE_DIR or C:\probe-out>\report.txt in UTF-8, one `key=value` line each, values escaped
 * as \\ \n \r \t and \xHH for other control characters:
 *   cmdline=GetCommandLineW()
 *   shell_argc / shell_argv[i]   CommandLineToArgvW(GetCommandLineW())
 *   crt_argc / crt_argv[i]       the C runtime's wmain argv
 *   cwd=GetCurrentDirectoryW()
 *   env[NAME]=value              every variable of the environment block
 * then `end`, and exits with %PROBE_EXIT% (default 0). The report is written to a temporary name and
 * renamed, so a reader never sees half of it. */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static char* out;
static size_t out_len, out_cap;

static void append(const char* s, size_t n) {
    if (out_len + n + 1 > out_cap) {
        out_cap = 2 * (out_len + n + 1) + 4096;
        out = realloc(out, out_cap);
        if (!out) exit(112);
    }
    memcpy(out + out_len, s, n);
    out_len += n;
}
static void append_str(const char* s) { append(s, strlen(s)); }

static void append_wide(const wchar_t* w, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        const wchar_t c = w[i];
        char buf[8];
        if (c == L'\\') append_str("\\\\");
        else if (c == L'\n') append_str("\\n");
        else if (c == L'\r') append_str("\\r");
        else if (c == L'\t') append_str("\\t");
        else if (c < 0x20 || c == 0x7F) {
            snprintf(buf, sizeof buf, "\\x%02X", (unsigned)c);
            append_str(buf);
        } else {
            const int units = (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) ? 2 : 1;
            const int m = WideCharToMultiByte(CP_UTF8, 0, w + i, units, buf, sizeof buf, NULL, NULL);
            if (m > 0) append(buf, (size_t)m);
            i += (size_t)(units - 1);
        }
    }
}

static void line(const char* key, const wchar_t* value) {
    append_str(key);
    append_str("=");
    append_wide(value, wcslen(value));
    append_str("\n");
}

int wmain(int argc, wchar_t** argv) {
    char key[64];
    line("cmdline", GetCommandLineW());
    int shell_argc = 0;
    wchar_t** shell_argv = CommandLineToArgvW(GetCommandLineW(), &shell_argc);
    snprintf(key, sizeof key, "shell_argc=%d\n", shell_argc);
    append_str(key);
    for (int i = 0; shell_argv && i < shell_argc; ++i) {
        snprintf(key, sizeof key, "shell_argv[%d]", i);
        line(key, shell_argv[i]);
    }
    snprintf(key, sizeof key, "crt_argc=%d\n", argc);
    append_str(key);
    for (int i = 0; i < argc; ++i) {
        snprintf(key, sizeof key, "crt_argv[%d]", i);
        line(key, argv[i]);
    }
    static wchar_t cwd[32768];
    GetCurrentDirectoryW(32768, cwd);
    line("cwd", cwd);
    wchar_t* block = GetEnvironmentStringsW();
    for (wchar_t* e = block; e && *e; e += wcslen(e) + 1) {
        const wchar_t* eq = wcschr(e + 1, L'=');  /* names like "=C:" start with '=' */
        if (!eq) continue;
        append_str("env[");
        append_wide(e, (size_t)(eq - e));
        append_str("]=");
        append_wide(eq + 1, wcslen(eq + 1));
        append_str("\n");
    }
    if (block) FreeEnvironmentStringsW(block);
    append_str("end\n");

    static wchar_t dir[32768], tmp[32800], dst[32800];
    DWORD n = GetEnvironmentVariableW(L"PROBE_DIR", dir, 32768);
    if (n == 0 || n >= 32768) wcscpy(dir, L"C:\\probe-out");
    for (wchar_t* p = dir + 3; *p; ++p) /* each level of PROBE_DIR, e.g. C:\out then C:\out\cmd */
        if (*p == L'\\') {
            *p = 0;
            CreateDirectoryW(dir, NULL);
            *p = L'\\';
        }
    CreateDirectoryW(dir, NULL);
    swprintf(tmp, 32800, L"%ls\\report.tmp", dir);
    swprintf(dst, 32800, L"%ls\\report.txt", dir);
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) return 111;
    DWORD written = 0;
    WriteFile(h, out, (DWORD)out_len, &written, NULL);
    CloseHandle(h);
    if (!MoveFileExW(tmp, dst, MOVEFILE_REPLACE_EXISTING)) return 113;

    wchar_t code[32];
    if (GetEnvironmentVariableW(L"PROBE_EXIT", code, 32) > 0) return _wtoi(code);
    return 0;
}
