/* Shared test helpers (see test_util.h). */
#include "test_util.h"

int test_failures = 0;
int test_checks = 0;

static char *corpus_text = NULL;

int test_summary(const char *name)
{
    printf("%s: %d checks\n", name, test_checks);
    printf("%d passed, %d failed\n", test_checks - test_failures, test_failures);
    return test_failures == 0 ? 0 : 1;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

/* Splits one corpus line: {"name":"N","document":{...}} */
static int corpus_split(char *line, size_t len, corpus_policy *out)
{
    static const char name_key[] = "{\"name\":\"";
    static const char doc_key[] = "\",\"document\":";
    if (len < sizeof name_key || memcmp(line, name_key, sizeof name_key - 1) != 0)
        return 0;
    char *name = line + sizeof name_key - 1;
    char *end = strstr(name, doc_key);
    if (end == NULL || line[len - 1] != '}')
        return 0;
    out->name = name;
    out->name_len = (size_t)(end - name);
    out->doc = end + sizeof doc_key - 1;
    out->doc_len = (size_t)(line + len - 1 - out->doc);
    return 1;
}

corpus_policy *corpus_load(size_t *count)
{
    size_t len = 0;
    corpus_text = test_read_file(IAM_SOURCE_DIR "/corpus/aws-managed-policies.jsonl", &len);
    if (corpus_text == NULL)
        return NULL;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += corpus_text[i] == '\n';
    corpus_policy *p = calloc(lines + 1, sizeof *p);
    size_t n = 0;
    char *line = corpus_text;
    while (p != NULL && line < corpus_text + len) {
        char *nl = memchr(line, '\n', (size_t)(corpus_text + len - line));
        size_t l = nl ? (size_t)(nl - line) : (size_t)(corpus_text + len - line);
        if (l > 0 && corpus_split(line, l, &p[n]))
            n++;
        line += l + 1;
    }
    *count = n;
    return p;
}

void corpus_free(corpus_policy *policies)
{
    free(policies);
    free(corpus_text);
    corpus_text = NULL;
}

const corpus_policy *corpus_find(const corpus_policy *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].name_len == strlen(name) && memcmp(p[i].name, name, p[i].name_len) == 0)
            return &p[i];
    return NULL;
}

void *test_aligned_alloc(size_t size)
{
    return aligned_alloc(64, (size + 63) / 64 * 64 + 64);
}
