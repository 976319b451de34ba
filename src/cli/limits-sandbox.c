/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "limits-sandbox.h"

int sandbox_view_probe(struct sandbox_view *v, const char *sysroot) {
        *v = (struct sandbox_view) {};
        int r = sysroot ? husk_sandbox_probe_at(sysroot, &v->sb) : husk_sandbox_probe(&v->sb);
        if (r < 0)
                return r;
        v->probed = true;
        if (sysroot)
                return 0;
        for (int i = 0; i < _HUSK_SYSCALL_MAX; i++)
                v->sc_error[i] = husk_syscall_probe((enum husk_syscall) i, &v->sc[i]);
        v->syscalls_probed = true;
        return 0;
}

static bool known(const struct sandbox_view *v, unsigned bit) {
        return !(v->sb.unknown & bit);
}

static const char *yes_no(const struct sandbox_view *v, unsigned bit, bool value) {
        return !known(v, bit) ? "unknown" : value ? "yes" : "no";
}

/* "errno (Operation not permitted)", "kill (signal 31)", "allowed" ... */
static const char *fmt_verdict(char *buf, size_t n, const struct husk_syscall_result *r, int error) {
        if (error < 0)
                snprintf(buf, n, "probe failed (%s)", strerror(-error));
        else if (r->verdict == HUSK_SYSCALL_ERRNO || r->verdict == HUSK_SYSCALL_UNSUPPORTED)
                snprintf(buf, n, "%s (%s)%s", husk_syscall_verdict_to_string(r->verdict), strerror(r->error),
                         r->verdict == HUSK_SYSCALL_ERRNO && !r->seccomp ? " by kernel policy" : "");
        else if (r->verdict == HUSK_SYSCALL_KILL || r->verdict == HUSK_SYSCALL_TRAP)
                snprintf(buf, n, "%s (signal %d)", husk_syscall_verdict_to_string(r->verdict), r->signal);
        else
                snprintf(buf, n, "%s", husk_syscall_verdict_to_string(r->verdict));
        return buf;
}

static void print_caps(const struct sandbox_view *v) {
        if (!known(v, HUSK_SANDBOX_CAPS)) {
                printf("  %-12s unknown\n", "caps");
                return;
        }
        printf("  %-12s eff %016llx  prm %016llx  bnd %016llx  inh %016llx", "caps",
               (unsigned long long) v->sb.cap_eff, (unsigned long long) v->sb.cap_prm,
               (unsigned long long) v->sb.cap_bnd, (unsigned long long) v->sb.cap_inh);
        if (known(v, HUSK_SANDBOX_CAP_AMB))
                printf("  amb %016llx", (unsigned long long) v->sb.cap_amb);
        putchar('\n');
}

void sandbox_view_print(const struct sandbox_view *v) {
        if (!v->probed)
                return;
        const struct husk_sandbox *s = &v->sb;
        printf("sandbox\n");
        if (known(v, HUSK_SANDBOX_SECCOMP)) {
                printf("  %-12s %s", "seccomp", husk_seccomp_mode_to_string(s->seccomp_mode));
                if (s->seccomp_mode == HUSK_SECCOMP_FILTER && known(v, HUSK_SANDBOX_SECCOMP_FILTERS))
                        printf(", %u filter%s", s->seccomp_filters, s->seccomp_filters == 1 ? "" : "s");
                putchar('\n');
        } else
                printf("  %-12s unknown\n", "seccomp");
        printf("  %-12s %s\n", "no_new_privs", yes_no(v, HUSK_SANDBOX_NO_NEW_PRIVS, s->no_new_privs));
        print_caps(v);
        printf("  %-12s user %s, pid %s, cgroup %s, net %s, mount %s\n", "namespaces",
               yes_no(v, HUSK_SANDBOX_USERNS, s->in_userns), yes_no(v, HUSK_SANDBOX_PIDNS, s->in_pidns),
               yes_no(v, HUSK_SANDBOX_CGROUPNS, s->in_cgroupns), yes_no(v, HUSK_SANDBOX_NETNS, s->in_netns),
               yes_no(v, HUSK_SANDBOX_MNTNS, s->in_mntns));
        printf("  %-12s %s\n", "read-only /", yes_no(v, HUSK_SANDBOX_READONLY_ROOT, s->readonly_root));
        if (!v->syscalls_probed)
                return;
        printf("syscalls\n");
        for (int i = 0; i < _HUSK_SYSCALL_MAX; i++) {
                char b[96];
                printf("  %-16s %s\n", husk_syscall_to_string((enum husk_syscall) i),
                       fmt_verdict(b, sizeof b, &v->sc[i], v->sc_error[i]));
        }
}

static json_t *json_flag(const struct sandbox_view *v, unsigned bit, bool value) {
        return known(v, bit) ? json_boolean(value) : json_null();
}

static json_t *json_mask(const struct sandbox_view *v, unsigned bit, uint64_t mask) {
        return known(v, bit) ? json_integer((json_int_t) mask) : json_null();
}

static json_t *json_syscalls(const struct sandbox_view *v) {
        json_t *o = json_object();
        for (int i = 0; o && i < _HUSK_SYSCALL_MAX; i++) {
                const struct husk_syscall_result *r = &v->sc[i];
                json_t *e = v->sc_error[i] < 0 ?
                        json_pack("{s:s, s:i}", "verdict", "probe-failed", "errno", -v->sc_error[i]) :
                        json_pack("{s:s, s:i, s:i, s:b}", "verdict", husk_syscall_verdict_to_string(r->verdict),
                                  "errno", r->error, "signal", r->signal, "seccomp", r->seccomp);
                json_object_set_new(o, husk_syscall_to_string((enum husk_syscall) i), e);
        }
        return o;
}

json_t *sandbox_view_json(const struct sandbox_view *v) {
        const struct husk_sandbox *s = &v->sb;
        json_t *o = json_object();
        if (!o)
                return NULL;
        json_object_set_new(o, "seccomp", known(v, HUSK_SANDBOX_SECCOMP) ?
                                                  json_string(husk_seccomp_mode_to_string(s->seccomp_mode)) : json_null());
        json_object_set_new(o, "seccomp_filters", known(v, HUSK_SANDBOX_SECCOMP_FILTERS) ?
                                                          json_integer(s->seccomp_filters) : json_null());
        json_object_set_new(o, "no_new_privs", json_flag(v, HUSK_SANDBOX_NO_NEW_PRIVS, s->no_new_privs));
        json_object_set_new(o, "cap_effective", json_mask(v, HUSK_SANDBOX_CAPS, s->cap_eff));
        json_object_set_new(o, "cap_permitted", json_mask(v, HUSK_SANDBOX_CAPS, s->cap_prm));
        json_object_set_new(o, "cap_bounding", json_mask(v, HUSK_SANDBOX_CAPS, s->cap_bnd));
        json_object_set_new(o, "cap_inheritable", json_mask(v, HUSK_SANDBOX_CAPS, s->cap_inh));
        json_object_set_new(o, "cap_ambient", json_mask(v, HUSK_SANDBOX_CAP_AMB, s->cap_amb));
        json_object_set_new(o, "namespaces",
                            json_pack("{s:o, s:o, s:o, s:o, s:o}",
                                      "user", json_flag(v, HUSK_SANDBOX_USERNS, s->in_userns),
                                      "pid", json_flag(v, HUSK_SANDBOX_PIDNS, s->in_pidns),
                                      "cgroup", json_flag(v, HUSK_SANDBOX_CGROUPNS, s->in_cgroupns),
                                      "net", json_flag(v, HUSK_SANDBOX_NETNS, s->in_netns),
                                      "mount", json_flag(v, HUSK_SANDBOX_MNTNS, s->in_mntns)));
        json_object_set_new(o, "readonly_root", json_flag(v, HUSK_SANDBOX_READONLY_ROOT, s->readonly_root));
        json_object_set_new(o, "syscalls", v->syscalls_probed ? json_syscalls(v) : json_null());
        return o;
}
