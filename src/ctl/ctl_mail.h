/* ctl_mail — `infosysctl mail run [--smtp URL]`. */
#ifndef INFOSYS_CTL_MAIL_H
#define INFOSYS_CTL_MAIL_H

/* argv[0] is "mail". Returns CTL_OK when every due message was sent,
 * CTL_FAIL when one was not (it stays queued for a retry), CTL_USAGE. */
int ctl_mail(int argc, char **argv);

#endif
