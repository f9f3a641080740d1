/*
 * i.MX ENET (10/100/1000 MAC, "FEC" lineage) register interface: offsets,
 * bit definitions and the legacy buffer descriptor.
 *
 * This is the contract between the driver (driver/enet/enet_driver.c) and
 * the ENET model (driver/enet/model/enet_model.c), and it describes the real
 * device: the same driver runs on QEMU's emulated i.MX7 ENET and on
 * hardware.  Facts from the i.MX8M reference manual (ENET chapter); nothing
 * here is a convenience of our model.
 *
 * All registers are 32 bits wide, little-endian, reached with 32-bit
 * accesses only (enet_readl / enet_writel, driver/enet/enet_mmio.h).
 *
 * Sides, per register (D = driver, M = model/hardware):
 *   EIR    M sets event bits; D clears them by writing 1s (W1C).
 *   EIMR   D writes the interrupt mask; M raises the IRQ while EIR & EIMR.
 *   RDAR   D writes RDAR_ACTIVE after giving RX BDs back (E set); M clears
 *          it when it finds no empty BD.
 *   TDAR   D writes TDAR_ACTIVE after making TX BDs ready (R set); M clears
 *          it when the ring has no ready BD left.
 *   ECR    D writes (RESET self-clears; M clears it when reset is done).
 *   MMFR   D writes a clause-22 frame to start an MDIO transfer; M puts the
 *          read data in the low 16 bits and sets EIR_MII when done.
 *   MIB    counters written by M, read by D (MIBC_CLEAR zeroes them).
 *   Everything else is configuration: written by D, read by M.
 * The same tags, (D) and (M), mark who writes each field of the buffer
 * descriptor below, which lives in memory both sides share.
 */
#ifndef SDVF_ENET_REGS_H
#define SDVF_ENET_REGS_H

#include <stdint.h>

#define ENET_REG_PAGE_BYTES 4096u

/* ---- register offsets ------------------------------------------------ */
#define ENET_EIR 0x004u	 /* interrupt event (W1C) */
#define ENET_EIMR 0x008u /* interrupt mask (1 = enabled) */
#define ENET_RDAR 0x010u /* receive descriptor active */
#define ENET_TDAR 0x014u /* transmit descriptor active */
#define ENET_ECR 0x024u	 /* ethernet control */
#define ENET_MMFR 0x040u /* MII management frame */
#define ENET_MSCR 0x044u /* MII speed control */
#define ENET_MIBC 0x064u /* MIB control/status */
#define ENET_RCR 0x084u	 /* receive control */
#define ENET_TCR 0x0c4u	 /* transmit control */
#define ENET_PALR 0x0e4u /* MAC address bytes 0..3 (byte 0 in bits 31:24) */
#define ENET_PAUR 0x0e8u /* MAC address bytes 4..5 in bits 31:16 */
#define ENET_OPD 0x0ecu	 /* pause frame opcode/duration */
#define ENET_TXIC 0x0f0u /* TX interrupt coalescing, ring 0 (TXIC0) */
#define ENET_RXIC 0x100u /* RX interrupt coalescing, ring 0 (RXIC0) */
#define ENET_IAUR 0x118u /* individual address hash, upper 32 */
#define ENET_IALR 0x11cu /* individual address hash, lower 32 */
#define ENET_GAUR 0x120u /* group address hash, upper 32 */
#define ENET_GALR 0x124u /* group address hash, lower 32 */
#define ENET_TFWR 0x144u /* transmit FIFO watermark */
#define ENET_RDSR 0x180u /* RX descriptor ring start (io address) */
#define ENET_TDSR 0x184u /* TX descriptor ring start (io address) */
#define ENET_MRBR 0x188u /* maximum RX buffer size */
#define ENET_RSFL 0x190u /* RX FIFO section full threshold */
#define ENET_RSEM 0x194u /* RX FIFO section empty threshold */
#define ENET_RAEM 0x198u /* RX FIFO almost empty threshold */
#define ENET_RAFL 0x19cu /* RX FIFO almost full threshold */
#define ENET_TSEM 0x1a0u /* TX FIFO section empty threshold */
#define ENET_TAEM 0x1a4u /* TX FIFO almost empty threshold */
#define ENET_TAFL 0x1a8u /* TX FIFO almost full threshold */
#define ENET_TIPG 0x1acu /* transmit inter-packet gap */
#define ENET_FTRL 0x1b0u /* frame truncation length */
#define ENET_TACC 0x1c0u /* transmit accelerator function config */
#define ENET_RACC 0x1c4u /* receive accelerator function config */
/* Rings 1 and 2 of the multi-queue ENETs (i.MX6SX/7D/8M): the driver uses
 * ring 0 only and keeps these disabled (it writes them 0 at every start,
 * as ECR = 0 does not reset them). */
#define ENET_TXIC1 0x0f4u
#define ENET_TXIC2 0x0f8u
#define ENET_RXIC1 0x104u
#define ENET_RXIC2 0x108u
#define ENET_RCMR1 0x1c8u	      /* RX classification match, ring 1 */
#define ENET_RCMR2 0x1ccu	      /* RX classification match, ring 2 */
#define ENET_DMA1CFG 0x1d8u	      /* DMA class config, ring 1 */
#define ENET_DMA2CFG 0x1dcu	      /* DMA class config, ring 2 */
#define ENET_RCMR_WRITABLE 0x17777u   /* MATCHEN (16), CMP0..3 */
#define ENET_DMACFG_WRITABLE 0x3ffffu /* CALC_NOIPG, DMA_CLASS_EN, SLOPE */

/* ---- EIR / EIMR bits ------------------------------------------------- */
#define ENET_INT_BABR (1u << 30)  /* babbling receive error */
#define ENET_INT_BABT (1u << 29)  /* babbling transmit error */
#define ENET_INT_GRA (1u << 28)	  /* graceful stop complete */
#define ENET_INT_TXF (1u << 27)	  /* a transmit frame completed */
#define ENET_INT_TXB (1u << 26)	  /* a transmit buffer completed */
#define ENET_INT_RXF (1u << 25)	  /* a receive frame completed */
#define ENET_INT_RXB (1u << 24)	  /* a receive buffer completed */
#define ENET_INT_MII (1u << 23)	  /* MDIO transfer completed */
#define ENET_INT_EBERR (1u << 22) /* DMA bus error: the MAC stopped */
#define ENET_INT_LC (1u << 21)	  /* late collision */
#define ENET_INT_RL (1u << 20)	  /* collision retry limit */
#define ENET_INT_UN (1u << 19)	  /* transmit FIFO underrun */
#define ENET_INT_PLR (1u << 18)	  /* payload receive error */
#define ENET_INT_WAKEUP (1u << 17)
#define ENET_INT_TS_AVAIL (1u << 16)
#define ENET_INT_TS_TIMER (1u << 15)

/* ---- TXIC / RXIC: interrupt coalescing (D writes, M reads) -----------
 * With ICEN set, the MAC holds back TXF (RXF) events and sets the EIR bit
 * once ICFT frames have completed or ICTT periods of 64 clocks have passed
 * since the first held frame, whichever comes first; then it counts
 * afresh.  ICCS picks the clock: 1 the ENET system clock, 0 the MII TX
 * clock.  Clearing ICEN reports what is held at once. */
#define ENET_IC_EN (1u << 31) /* ICEN: coalescing enabled */
#define ENET_IC_CS (1u << 30) /* ICCS: 1 = system clock, 0 = MII TX clock */
#define ENET_IC_FT_SHIFT 20   /* ICFT: frame count threshold, 8 bits */
#define ENET_IC_FT_MASK (0xffu << ENET_IC_FT_SHIFT)
#define ENET_IC_TT_MASK 0xffffu /* ICTT: timer threshold, in 64 clocks */
#define ENET_IC_WRITABLE                                                       \
	(ENET_IC_EN | ENET_IC_CS | ENET_IC_FT_MASK | ENET_IC_TT_MASK)
#define ENET_IC_CLOCKS_PER_TICK 64u

/* ---- RDAR / TDAR ----------------------------------------------------- */
#define ENET_RDAR_ACTIVE (1u << 24)
#define ENET_TDAR_ACTIVE (1u << 24)

/* ---- ECR ------------------------------------------------------------- */
#define ENET_ECR_RESET (1u << 0) /* self-clearing; resets the MAC */
#define ENET_ECR_ETHEREN (1u << 1)
#define ENET_ECR_MAGICEN (1u << 2)
#define ENET_ECR_SLEEP (1u << 3)
#define ENET_ECR_EN1588 (1u << 4) /* enhanced (32-byte) descriptors */
#define ENET_ECR_SPEED (1u << 5)  /* 1 = 1000 Mb/s (RGMII) */
#define ENET_ECR_DBGEN (1u << 6)
#define ENET_ECR_DBSWP (1u << 8) /* descriptors little-endian (i.MX) */

/* ---- MMFR (clause 22 management frame) ------------------------------- */
#define ENET_MMFR_ST (1u << 30) /* start-of-frame 01 = clause 22 */
#define ENET_MMFR_OP_WRITE (1u << 28)
#define ENET_MMFR_OP_READ (2u << 28)
#define ENET_MMFR_PA_SHIFT 23	/* PHY address, 5 bits */
#define ENET_MMFR_RA_SHIFT 18	/* register address, 5 bits */
#define ENET_MMFR_TA (2u << 16) /* turnaround, must be 10 */
#define ENET_MMFR_DATA_MASK 0xffffu

/* ---- MSCR ------------------------------------------------------------ */
#define ENET_MSCR_MII_SPEED_SHIFT 1 /* MDC = clock / ((MII_SPEED + 1) * 2) */
#define ENET_MSCR_MII_SPEED_MASK (0x3fu << 1)
#define ENET_MSCR_DIS_PRE (1u << 7)
#define ENET_MSCR_HOLDTIME_SHIFT 8 /* 3 bits, in internal clock cycles */

/* ---- MIBC ------------------------------------------------------------ */
#define ENET_MIBC_DIS (1u << 31)
#define ENET_MIBC_IDLE (1u << 30) /* read-only: counters not updating */
#define ENET_MIBC_CLEAR (1u << 29)

/* ---- RCR ------------------------------------------------------------- */
#define ENET_RCR_LOOP (1u << 0)
#define ENET_RCR_DRT (1u << 1)	    /* disable receive on transmit */
#define ENET_RCR_MII_MODE (1u << 2) /* must be 1 */
#define ENET_RCR_PROM (1u << 3)	    /* promiscuous */
#define ENET_RCR_BC_REJ (1u << 4)   /* reject broadcast */
#define ENET_RCR_FCE (1u << 5)	    /* flow control (pause) enable */
#define ENET_RCR_RGMII_EN (1u << 6)
#define ENET_RCR_RMII_MODE (1u << 8)
#define ENET_RCR_RMII_10T (1u << 9) /* RMII at 10 Mb/s */
#define ENET_RCR_PADEN (1u << 12)   /* strip padding */
#define ENET_RCR_PAUFWD (1u << 13)
#define ENET_RCR_CRCFWD (1u << 14) /* strip the FCS */
#define ENET_RCR_CFEN (1u << 15)
#define ENET_RCR_MAX_FL_SHIFT 16 /* 14 bits: longest frame incl. FCS */
#define ENET_RCR_MAX_FL_MASK (0x3fffu << 16)
#define ENET_RCR_NLC (1u << 30)
#define ENET_RCR_GRS (1u << 31) /* read-only: graceful RX stopped */

/* ---- TCR ------------------------------------------------------------- */
#define ENET_TCR_GTS (1u << 0)	/* graceful transmit stop */
#define ENET_TCR_FDEN (1u << 2) /* full duplex */
#define ENET_TCR_TFC_PAUSE (1u << 3)
#define ENET_TCR_RFC_PAUSE (1u << 4)
#define ENET_TCR_ADDINS (1u << 8) /* overwrite source MAC on transmit */
#define ENET_TCR_CRCFWD (1u << 9) /* 1 = do not append FCS */

/* ---- OPD ------------------------------------------------------------- */
#define ENET_OPD_OPCODE (0x0001u << 16) /* fixed pause opcode */
#define ENET_OPD_PAUSE_DUR_MASK 0xffffu

/* ---- TFWR ------------------------------------------------------------ */
#define ENET_TFWR_STRFWD (1u << 8) /* store and forward */
#define ENET_TFWR_TFWR_MASK 0x3fu

/* ---- MRBR ------------------------------------------------------------ */
#define ENET_MRBR_MASK 0x3ff0u /* bytes, multiple of 16 */

/* ---- TIPG / FTRL ----------------------------------------------------- */
#define ENET_TIPG_DEFAULT 12u  /* bytes, valid 8..26 */
#define ENET_FTRL_MASK 0x3fffu /* frames longer are truncated (TR) */

/* ---- RACC / TACC ----------------------------------------------------- */
#define ENET_RACC_PADREM (1u << 0)
#define ENET_RACC_IPDIS (1u << 1)
#define ENET_RACC_PRODIS (1u << 2)
#define ENET_RACC_LINEDIS (1u << 6) /* discard frames with MAC errors */
#define ENET_RACC_SHIFT16 (1u << 7)
#define ENET_TACC_SHIFT16 (1u << 0)
#define ENET_TACC_IPCHK (1u << 3)
#define ENET_TACC_PROCHK (1u << 4)

/* ---- MIB counters (written by M, read by D) --------------------------- */
#define ENET_RMON_T_DROP 0x200u
#define ENET_RMON_T_PACKETS 0x204u
#define ENET_RMON_T_BC_PKT 0x208u
#define ENET_RMON_T_MC_PKT 0x20cu
#define ENET_RMON_T_CRC_ALIGN 0x210u
#define ENET_RMON_T_UNDERSIZE 0x214u
#define ENET_RMON_T_OVERSIZE 0x218u
#define ENET_RMON_T_FRAG 0x21cu
#define ENET_RMON_T_JAB 0x220u
#define ENET_RMON_T_COL 0x224u
#define ENET_RMON_T_P64 0x228u
#define ENET_RMON_T_P65TO127 0x22cu
#define ENET_RMON_T_P128TO255 0x230u
#define ENET_RMON_T_P256TO511 0x234u
#define ENET_RMON_T_P512TO1023 0x238u
#define ENET_RMON_T_P1024TO2047 0x23cu
#define ENET_RMON_T_P_GTE2048 0x240u
#define ENET_RMON_T_OCTETS 0x244u
#define ENET_IEEE_T_DROP 0x248u
#define ENET_IEEE_T_FRAME_OK 0x24cu
#define ENET_IEEE_T_1COL 0x250u
#define ENET_IEEE_T_MCOL 0x254u
#define ENET_IEEE_T_DEF 0x258u
#define ENET_IEEE_T_LCOL 0x25cu
#define ENET_IEEE_T_EXCOL 0x260u
#define ENET_IEEE_T_MACERR 0x264u
#define ENET_IEEE_T_CSERR 0x268u
#define ENET_IEEE_T_SQE 0x26cu
#define ENET_IEEE_T_FDXFC 0x270u
#define ENET_IEEE_T_OCTETS_OK 0x274u
#define ENET_RMON_R_PACKETS 0x284u
#define ENET_RMON_R_BC_PKT 0x288u
#define ENET_RMON_R_MC_PKT 0x28cu
#define ENET_RMON_R_CRC_ALIGN 0x290u
#define ENET_RMON_R_UNDERSIZE 0x294u
#define ENET_RMON_R_OVERSIZE 0x298u
#define ENET_RMON_R_FRAG 0x29cu
#define ENET_RMON_R_JAB 0x2a0u
#define ENET_RMON_R_P64 0x2a8u
#define ENET_RMON_R_P65TO127 0x2acu
#define ENET_RMON_R_P128TO255 0x2b0u
#define ENET_RMON_R_P256TO511 0x2b4u
#define ENET_RMON_R_P512TO1023 0x2b8u
#define ENET_RMON_R_P1024TO2047 0x2bcu
#define ENET_RMON_R_P_GTE2048 0x2c0u
#define ENET_RMON_R_OCTETS 0x2c4u
#define ENET_IEEE_R_DROP 0x2c8u
#define ENET_IEEE_R_FRAME_OK 0x2ccu
#define ENET_IEEE_R_CRC 0x2d0u
#define ENET_IEEE_R_ALIGN 0x2d4u
#define ENET_IEEE_R_MACERR 0x2d8u
#define ENET_IEEE_R_FDXFC 0x2dcu
#define ENET_IEEE_R_OCTETS_OK 0x2e0u
#define ENET_MIB_FIRST ENET_RMON_T_DROP
#define ENET_MIB_LAST ENET_IEEE_R_OCTETS_OK

/*
 * Legacy buffer descriptor (ECR.EN1588 = 0): 8 bytes, little-endian with
 * ECR.DBSWP set.  Rings are arrays of these, the last one carrying WRAP;
 * ring starts (RDSR/TDSR) are 8-byte aligned (hardware wants 64 on some
 * parts: the driver aligns them to 64).
 *
 * Ownership is the E (RX) / R (TX) bit of `stat`:
 *   set   the BD belongs to the MAC: the driver must not touch it;
 *   clear the BD belongs to the driver.
 * The driver writes `addr` and `len` first and `stat` last, with a release
 * fence between, then writes RDAR/TDAR; it reads `len` (and `addr`) only
 * after an acquire fence that follows seeing the ownership bit clear.
 * The MAC does the mirror image: data and `len` before clearing E/R.
 *
 *   RX: driver writes addr, stat = E (| W on the last slot); the MAC writes
 *       the frame, len (including FCS unless RCR.CRCFWD), stat (clears E,
 *       sets L and any error bits).
 *   TX: driver writes addr, len, stat = R | L | TC (| W); the MAC clears R
 *       when the frame is sent (TX error bits live in EIR on this part).
 */
struct enet_bd {
	/* RX: (D) 0 when posting; (M) the bytes of the frame in this buffer,
	 * before it clears E.  TX: (D) the bytes to send, before it sets R
	 * (the model writes the same value back). */
	uint16_t len;
	/* Ownership.  (D) sets E/R last, after a release fence: the BD is the
	 * MAC's.  (M) clears E/R last, after a release fence: it is the
	 * driver's again (RX: with L and the error bits).  Each side reads
	 * stat first and has an acquire fence before reading the rest. */
	uint16_t stat;
	/* (D) io address of the buffer, written before stat; (M) only reads
	 * it.  The driver returns its own copy, never this field. */
	uint32_t addr;
};
_Static_assert(sizeof(struct enet_bd) == 8, "legacy BD is 8 bytes");

#define ENET_BD_RING_ALIGN 64u

/* RX BD status bits */
#define ENET_RXBD_E (1u << 15)	 /* empty: owned by the MAC */
#define ENET_RXBD_RO1 (1u << 14) /* software-use bit */
#define ENET_RXBD_W (1u << 13)	 /* wrap: last BD of the ring */
#define ENET_RXBD_RO2 (1u << 12)
#define ENET_RXBD_L (1u << 11) /* last buffer of a frame */
#define ENET_RXBD_M (1u << 8)  /* miss: accepted only by PROM */
#define ENET_RXBD_BC (1u << 7) /* broadcast */
#define ENET_RXBD_MC (1u << 6) /* multicast */
#define ENET_RXBD_LG (1u << 5) /* longer than RCR.MAX_FL */
#define ENET_RXBD_NO (1u << 4) /* non-octet aligned frame */
#define ENET_RXBD_CR (1u << 2) /* CRC or frame error */
#define ENET_RXBD_OV (1u << 1) /* FIFO overrun */
#define ENET_RXBD_TR (1u << 0) /* truncated (> FTRL) */
#define ENET_RXBD_ERRORS                                                       \
	(ENET_RXBD_LG | ENET_RXBD_NO | ENET_RXBD_CR | ENET_RXBD_OV |           \
	 ENET_RXBD_TR)

/* TX BD status bits */
#define ENET_TXBD_R (1u << 15)	 /* ready: owned by the MAC */
#define ENET_TXBD_TO1 (1u << 14) /* software-use bit */
#define ENET_TXBD_W (1u << 13)	 /* wrap: last BD of the ring */
#define ENET_TXBD_TO2 (1u << 12)
#define ENET_TXBD_L (1u << 11)	/* last buffer of the frame */
#define ENET_TXBD_TC (1u << 10) /* append the FCS */
#define ENET_TXBD_ABC (1u << 9) /* append bad CRC */

/* ---- clause-22 PHY registers (through MMFR) --------------------------- */
#define MII_BMCR 0x00u
#define MII_BMSR 0x01u
#define MII_PHYSID1 0x02u
#define MII_PHYSID2 0x03u
#define MII_ADVERTISE 0x04u
#define MII_LPA 0x05u
#define MII_CTRL1000 0x09u
#define MII_STAT1000 0x0au

#define BMCR_SPEED1000 (1u << 6)
#define BMCR_FULLDPLX (1u << 8)
#define BMCR_ANRESTART (1u << 9)
#define BMCR_ANENABLE (1u << 12)
#define BMCR_SPEED100 (1u << 13)
#define BMCR_RESET (1u << 15)

#define BMSR_LSTATUS (1u << 2) /* link up (latched low) */
#define BMSR_ANEGCOMPLETE (1u << 5)
#define BMSR_ESTATEN (1u << 8) /* gigabit status registers present */

#define ADVERTISE_10HALF (1u << 5)
#define ADVERTISE_10FULL (1u << 6)
#define ADVERTISE_100HALF (1u << 7)
#define ADVERTISE_100FULL (1u << 8)
#define LPA_10HALF ADVERTISE_10HALF
#define LPA_10FULL ADVERTISE_10FULL
#define LPA_100HALF ADVERTISE_100HALF
#define LPA_100FULL ADVERTISE_100FULL
#define CTRL1000_ADV_1000FULL (1u << 9)
#define STAT1000_LP_1000FULL (1u << 11)

#endif
