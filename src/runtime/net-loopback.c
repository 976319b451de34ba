/* SPDX-License-Identifier: GPL-2.0-or-later
 * Loopback up through libmnl (see net-loopback.h). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "net-loopback.h"

int net_loopback_up(void) {
        char buf[8192];        /* MNL_SOCKET_BUFFER_SIZE is not a constant */
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = (uint32_t) time(NULL);
        struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_index = 1;             /* "lo" is always ifindex 1 in a new namespace */
        ifm->ifi_flags = IFF_UP;
        ifm->ifi_change = IFF_UP;

        struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        int r = 0;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
            mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
                r = -errno;
                goto close_socket;
        }
        uint32_t portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0) {
                r = -errno;
                goto close_socket;
        }
        if (mnl_cb_run(buf, (size_t) n, seq, portid, NULL, NULL) < 0)
                r = -errno;
close_socket:
        mnl_socket_close(nl);
        return r;
}
