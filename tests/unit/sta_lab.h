/* SPDX-License-Identifier: MIT */
/*
 * The station lab of test_ap_station.c and test_wpa_lab.c: two APs'
 * stations (capsim/ap_station.h) and the split-MAC controller
 * (capsim/wlc_clients.h) joined by a queue of CAPWAP data frames, with the
 * test playing the DHCP server behind the controller's relay.  No sockets,
 * no clock: sta_lab_pump() delivers what is queued at l->now.
 */
#ifndef CS_STA_LAB_H
#define CS_STA_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/ap_station.h"
#include "capsim/wlc_clients.h"

#define STA_LAB_N_AP  2
#define STA_LAB_N_STA 3
#define STA_LAB_QMAX  128

/* A CAPWAP data packet on its way: to the controller or to AP `ap`. */
struct sta_lab_pkt {
	bool to_wlc;
	int ap;
	uint8_t b[1700];
	size_t len;
};

struct sta_lab;

struct sta_lab_ap {
	struct sta_lab *l;
	int ap;
};

struct sta_lab {
	struct cs_wlc_clients *wlc;
	struct cs_ap_stations *aps[STA_LAB_N_AP];
	int ap_id[STA_LAB_N_AP]; /* the controller's handle of each AP */
	struct sta_lab_ap actx[STA_LAB_N_AP];
	struct sta_lab_pkt q[STA_LAB_QMAX];
	unsigned head, tail;
	uint32_t rnd;   /* the stations' (and the test's) LCG */
	unsigned armed; /* station timers armed */
	uint64_t now;   /* time of the frames sta_lab_pump() delivers */
	struct cs_wlc_clients_cfg cfg;
};

/* Fills a zeroed lab: cfg holds one WLAN (id 2, "lab-clients",
 * 10.30.0.0/16, gateway 10.30.0.1, DHCP server 127.0.0.67); the
 * controller and stations are not created yet. */
void sta_lab_init(struct sta_lab *l);

/* The controller's I/O: frames and control go to the queue, DHCP to the
 * test's server.  The caller may add to it before cs_wlc_clients_new. */
struct cs_wlc_clients_io sta_lab_wlc_io(struct sta_lab *l);

/* The stations' I/O of AP `a` (timers counted in l->armed, the LCG). */
struct cs_ap_stations_io sta_lab_ap_io(struct sta_lab *l, int a);

/* AP `a`'s stations: radio 02:00:c0:00:<a>:10, stations from
 * 02:00:0b:<a>:00:fe, STA_LAB_N_STA of them, defaults. */
void sta_lab_ap_cfg(struct cs_ap_stations_cfg *cfg, int a);

/* Creates every AP's stations from sta_lab_ap_cfg, after tune(cfg, arg)
 * when given. */
void sta_lab_new_aps(struct sta_lab *l,
    void (*tune)(struct cs_ap_stations_cfg *cfg, void *arg), void *arg);

/* Delivers the queue until it is empty; a packet for which drop(p, arg)
 * says true is lost on the way. */
void sta_lab_pump(struct sta_lab *l,
    bool (*drop)(const struct sta_lab_pkt *p, void *arg), void *arg);

/* Frees the controller and the stations (not *l). */
void sta_lab_fini(struct sta_lab *l);

#endif /* CS_STA_LAB_H */
