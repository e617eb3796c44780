import './project-card.css';

export { ProjectCard } from './project-card';
export type { ProjectCardProps, ProjectCardLinkProps, ProjectCardDensity } from './project-card';
export { StatusBadge, STATUS_LABELS } from './status-badge';
export type { StatusBadgeProps } from './status-badge';
export { HealthIndicator, HEALTH_LABELS } from './health-indicator';
export type { HealthIndicatorProps } from './health-indicator';
export { ProgressBar } from './progress-bar';
export type { ProgressBarProps } from './progress-bar';
export { MemberAvatars, avatarColour } from './member-avatars';
export type { MemberAvatarsProps, AvatarPerson } from './member-avatars';
export { TagChip, TagChips } from './tag-chips';
export type { TagChipProps, TagChipsProps } from './tag-chips';
export { parseMarkedText, renderSegments, markedToNodes, MarkupError } from './highlight';
export type { ParseMarkedTextOptions } from './highlight';
export { contrastRatio, relativeLuminance, readableTextColour, parseHexColour } from './contrast';
export type { Rgb } from './contrast';
export { formatDate, initials } from './format';
export type {
  ProjectCardProject,
  ProjectCardUser,
  ProjectCardHealthReason,
  ProjectCardTag,
  ProjectCardMember,
  ProjectCardMilestoneSummary,
  ProjectStatus,
  ProjectHealth,
  MemberRole,
  TitleSegment,
} from './types';
