/*
 * replay_main.c — a plain main() that feeds files and folders to
 * LLVMFuzzerTestOneInput, so every fuzz corpus replays as an ordinary test
 * with any compiler and sanitizer.   usage: replay PATH...
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long replayed = 0, unreadable = 0;

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        unreadable++;
        return;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    replayed++;
}

static void replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        unreadable++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path);
        return;
    }
    DIR *dir = opendir(path);
    for (struct dirent *d; dir != NULL && (d = readdir(dir)) != NULL;) {
        if (d->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, d->d_name);
        replay_path(child);
    }
    if (dir != NULL)
        closedir(dir);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        replay_path(argv[i]);
    printf("replayed %lu inputs (%lu unreadable)\n", replayed, unreadable);
    printf("%lu passed, %lu failed\n", replayed, unreadable);
    return replayed > 0 && unreadable == 0 ? 0 : 1;
}
