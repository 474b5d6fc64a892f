import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One entry of `GET /v1/customers/:id/activity`, written by the activity processor from a
 * committed event. At most one per (event, customer): the unique key backs up the
 * processed-events marker.
 */
@Entity({ name: 'customer_activities' })
@Index('ix_customer_activities_project_customer_created', [
  'projectId',
  'customerId',
  'createdAt',
  'id',
])
@Index('ux_customer_activities_project_event_customer', ['projectId', 'eventId', 'customerId'], {
  unique: true,
})
export class CustomerActivityEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 40 })
  customerId: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  /** e.g. `customer.order.paid`, `customer.redemption.succeeded`. */
  @Column({ type: 'varchar', length: 80 })
  type: string;

  /** The event's data, as its webhook carries it. */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ name: 'group_id', type: 'varchar', length: 64, nullable: true })
  groupId: string | null;

  /** When the event happened (not when it was processed). */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
