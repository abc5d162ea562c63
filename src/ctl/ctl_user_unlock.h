/* ctl_user_unlock — `infosysctl user unlock CODE NAME`. */
#ifndef INFOSYS_CTL_USER_UNLOCK_H
#define INFOSYS_CTL_USER_UNLOCK_H

/* argv[0] is "unlock", argv[1] the facility code, argv[2] the user name.
 * Returns CTL_OK, CTL_FAIL or CTL_USAGE (ctl.h). */
int ctl_user_unlock(int argc, char **argv);

#endif
