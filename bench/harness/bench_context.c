/* The machine description that heads every report (libbenchmark's
 * Context: date, host, CPUs, caches, load). Linux sources, best effort:
 * whatever cannot be read is reported as 0 or left out. */
#define _DEFAULT_SOURCE /* getloadavg */
#include "bench_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CPU_SYSFS "/sys/devices/system/cpu/cpu0"

/* The first line of a small file, without its newline; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

/* ISO 8601 local time with the offset as +HH:MM, as libbenchmark. */
static void format_date(char *buf, size_t cap)
{
    time_t now = time(NULL);
    struct tm local;
    char offset[8];
    buf[0] = '\0';
    if (localtime_r(&now, &local) == NULL)
        return;
    size_t len = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &local);
    if (strftime(offset, sizeof offset, "%z", &local) == 5) /* "+0100" */
        snprintf(buf + len, cap - len, "%.3s:%.2s", offset, offset + 3);
}

/* "cpu MHz : 2445.406" of /proc/cpuinfo; 0 if absent. */
static double read_mhz(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    double mhz = 0.0;
    if (f == NULL)
        return 0.0;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *colon = strchr(line, ':');
        if (strncmp(line, "cpu MHz", 7) == 0 && colon != NULL) {
            mhz = strtod(colon + 1, NULL);
            break;
        }
    }
    fclose(f);
    return mhz;
}

/* Scaling counts as enabled when a governor other than "performance"
 * is in charge (libbenchmark's test). */
static bool read_scaling_enabled(void)
{
    char governor[64];
    if (!read_line(CPU_SYSFS "/cpufreq/scaling_governor", governor, sizeof governor))
        return false;
    return strcmp(governor, "performance") != 0;
}

long long bench_parse_cache_size(const char *text)
{
    char *end;
    long long size = strtoll(text, &end, 10);
    if (end == text || size < 0)
        return -1;
    if (*end == 'K')
        return size * 1024;
    if (*end == 'M')
        return size * 1024 * 1024;
    if (*end == 'G')
        return size * 1024 * 1024 * 1024;
    return *end == '\0' ? size : -1;
}

int bench_count_cpu_list(const char *text)
{
    int count = 0;
    while (*text != '\0') {
        char *end;
        long first = strtol(text, &end, 10), last = first;
        if (end == text || first < 0)
            return 0;
        if (*end == '-') {
            const char *from = end + 1;
            last = strtol(from, &end, 10);
            if (end == from || last < first)
                return 0;
        }
        count += (int)(last - first + 1);
        if (*end == ',')
            end++;
        else if (*end != '\0')
            return 0;
        text = end;
    }
    return count;
}

/* One cache/indexN directory of cpu0; false past the last one. */
static bool read_cache(int index, bench_cache_info *cache)
{
    char path[128], text[256];
    snprintf(path, sizeof path, CPU_SYSFS "/cache/index%d/type", index);
    if (!read_line(path, cache->type, sizeof cache->type))
        return false;
    snprintf(path, sizeof path, CPU_SYSFS "/cache/index%d/level", index);
    cache->level = read_line(path, text, sizeof text) ? atoi(text) : 0;
    snprintf(path, sizeof path, CPU_SYSFS "/cache/index%d/size", index);
    cache->size = read_line(path, text, sizeof text) ? bench_parse_cache_size(text) : 0;
    if (cache->size < 0)
        cache->size = 0;
    snprintf(path, sizeof path, CPU_SYSFS "/cache/index%d/shared_cpu_list", index);
    cache->num_sharing = read_line(path, text, sizeof text) ? bench_count_cpu_list(text) : 0;
    return true;
}

static void read_caches(bench_context_info *info)
{
    info->cache_count = 0;
    while (info->cache_count < BENCH_MAX_CACHES &&
           read_cache(info->cache_count, &info->caches[info->cache_count]))
        info->cache_count++;
}

void bench_context_gather(bench_context_info *info, const char *executable,
                          const bench_flags *flags)
{
    memset(info, 0, sizeof *info);
    format_date(info->date, sizeof info->date);
    if (gethostname(info->host_name, sizeof info->host_name - 1) != 0)
        info->host_name[0] = '\0';
    info->executable = executable;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    info->num_cpus = cpus > 0 ? (int)cpus : 1;
    info->mhz_per_cpu = read_mhz();
    info->cpu_scaling_enabled = read_scaling_enabled();
    read_caches(info);
    int loads = getloadavg(info->load_avg, 3);
    info->load_avg_count = loads > 0 ? loads : 0;
    info->extra = flags->context;
    info->extra_count = flags->context_count;
}
